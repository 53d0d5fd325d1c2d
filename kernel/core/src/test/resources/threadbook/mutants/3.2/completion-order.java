// fails: expected: <[slow, fast]>
<T> CompletableFuture<List<T>> gather(List<CompletableFuture<T>> futures) {
    List<T> results = Collections.synchronizedList(new ArrayList<>());   // in the order the tasks end
    futures.forEach(f -> f.thenAccept(results::add));
    return CompletableFuture.allOf(futures.toArray(new CompletableFuture[0])).thenApply(done -> List.copyOf(results));
}
