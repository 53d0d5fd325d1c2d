// fails: gather waited for the tasks
<T> CompletableFuture<List<T>> gather(List<CompletableFuture<T>> futures) {
    List<T> results = futures.stream().map(CompletableFuture::join).toList();   // waits here, on the caller's thread
    return CompletableFuture.completedFuture(results);
}
