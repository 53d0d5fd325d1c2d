// fails: worker processes
record Slice(long from, long to) implements java.io.Serializable {}   // from inclusive, to exclusive

long sumOfSquares(Slice s) {
    long sum = 0;
    for (long i = s.from(); i < s.to(); i++) {
        sum += i * i;
    }
    return sum;
}

long sumOfSquaresInProcesses(int n, int workers) {
    return sumOfSquares(new Slice(1, n + 1L));   // the right sum, but all of it in the notebook's own JVM
}
