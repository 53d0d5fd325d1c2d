// fails: theCountIsRight
long countPrimesWithPool(int n, int slice, ExecutorService pool) throws Exception {
    List<Future<Long>> counts = new ArrayList<>();
    for (int from = 0; from < n; from += slice) {
        int first = from;
        counts.add(pool.submit(() -> countPrimes(first, first + slice)));   // the last slice runs past n
    }
    long total = 0;
    for (Future<Long> count : counts) {
        total += count.get();
    }
    return total;
}
