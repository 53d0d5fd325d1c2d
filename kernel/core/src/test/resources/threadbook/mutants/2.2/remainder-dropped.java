// fails: expected
record Slice(long from, long to) implements java.io.Serializable {}   // from inclusive, to exclusive

long sumOfSquares(Slice s) {
    long sum = 0;
    for (long i = s.from(); i < s.to(); i++) {
        sum += i * i;
    }
    return sum;
}

long sumOfSquaresInProcesses(int n, int workers) {
    List<Slice> slices = new ArrayList<>();
    long size = n / workers;   // rounds down: the last n % workers numbers are in no slice
    for (int k = 0; k < workers; k++) {
        slices.add(new Slice(1 + k * size, 1 + (k + 1) * size));
    }
    try (WorkerPool pool = new WorkerPool(workers)) {
        return pool.map(s -> sumOfSquares(s), slices).stream().mapToLong(Long::longValue).sum();
    }
}
