// fails: greetLater blocks the loop
CompletableFuture<String> greetLater(String name, long seconds) {
    CompletableFuture<String> greeting = asyncSleep(seconds).thenApply(done -> "Hello, " + name);
    greeting.join();   // waits for the greeting before returning it: the caller (the event loop) waits too
    return greeting;
}
