// fails: greetLater blocks the loop
CompletableFuture<String> greetLater(String name, long seconds) {
    try {
        Thread.sleep(seconds * 1000);   // blocks the thread that called it: the event loop
    } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
    }
    return CompletableFuture.completedFuture("Hello, " + name);
}
