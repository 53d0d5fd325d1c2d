// fails: need a long
record Slice(long from, long to) implements java.io.Serializable {}   // from inclusive, to exclusive

long sumOfSquares(Slice s) {
    int sum = 0;   // int: i * i and the sum overflow past 2^31
    for (int i = (int) s.from(); i < s.to(); i++) {
        sum += i * i;
    }
    return sum;
}

long sumOfSquaresInProcesses(int n, int workers) {
    List<Slice> slices = new ArrayList<>();
    long size = (n + workers - 1) / workers;
    for (long from = 1; from <= n; from += size) {
        slices.add(new Slice(from, Math.min(n + 1L, from + size)));
    }
    try (WorkerPool pool = new WorkerPool(workers)) {
        return pool.map(s -> sumOfSquares(s), slices).stream().mapToLong(Long::longValue).sum();
    }
}
