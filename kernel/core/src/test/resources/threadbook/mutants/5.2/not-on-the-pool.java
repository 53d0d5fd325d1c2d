// fails: submit all, then wait
long countPrimesWithPool(int n, int slice, ExecutorService pool) throws Exception {
    long total = 0;
    for (int from = 0; from < n; from += slice) {
        total += countPrimes(from, Math.min(n, from + slice));   // on the caller's thread: the pool does nothing
    }
    return total;
}
