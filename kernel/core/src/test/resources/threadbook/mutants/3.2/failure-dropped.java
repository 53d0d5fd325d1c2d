// fails: aFailureFailsTheWhole
<T> CompletableFuture<List<T>> gather(List<CompletableFuture<T>> futures) {
    List<CompletableFuture<T>> safe = futures.stream().map(f -> f.exceptionally(e -> null)).toList();   // a failure becomes null
    return CompletableFuture.allOf(safe.toArray(new CompletableFuture[0]))
            .thenApply(done -> safe.stream().map(CompletableFuture::join).toList());
}
