// fails: theCountIsRight
long countPrimesWithPool(int n, int slice, ExecutorService pool) throws Exception {
    long[] total = {0};
    List<Future<?>> counts = new ArrayList<>();
    for (int from = 0; from < n; from += slice) {
        int first = from;
        counts.add(pool.submit(() -> { total[0] += countPrimes(first, Math.min(n, first + slice)); }));   // no lock
    }
    for (Future<?> count : counts) {
        count.get();
    }
    return total[0];
}
