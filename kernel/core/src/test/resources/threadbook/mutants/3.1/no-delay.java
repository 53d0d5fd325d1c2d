// fails: the greeting came before the second was up
CompletableFuture<String> greetLater(String name, long seconds) {
    asyncSleep(seconds);   // the timer's future is dropped: nothing waits for it
    return CompletableFuture.completedFuture("Hello, " + name);
}
