// fails: submit all, then wait
long countPrimesWithPool(int n, int slice, ExecutorService pool) throws Exception {
    long total = 0;
    for (int from = 0; from < n; from += slice) {
        int first = from;
        total += pool.submit(() -> countPrimes(first, Math.min(n, first + slice))).get();   // waits before the next submit
    }
    return total;
}
