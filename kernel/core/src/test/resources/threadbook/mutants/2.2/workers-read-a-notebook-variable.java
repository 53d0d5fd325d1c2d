// fails: WorkerException
record Slice(long from, long to) implements java.io.Serializable {}   // from inclusive, to exclusive

long sumOfSquares(Slice s) {
    long sum = 0;
    for (long i = s.from(); i < s.to(); i++) {
        sum += i * i;
    }
    return sum;
}

List<Slice> current = new ArrayList<>();

long sumOfSquaresInProcesses(int n, int workers) {
    List<Slice> slices = new ArrayList<>();
    long size = (n + workers - 1) / workers;
    for (long from = 1; from <= n; from += size) {
        slices.add(new Slice(from, Math.min(n + 1L, from + size)));
    }
    try (WorkerPool pool = new WorkerPool(workers)) {
        current = slices;   // a notebook variable: each worker process has its own copy, empty
        List<Integer> indexes = IntStream.range(0, slices.size()).boxed().toList();
        return pool.map(k -> sumOfSquares(current.get(k)), indexes).stream().mapToLong(Long::longValue).sum();
    }
}
