// fails: workers for 5 carts
WorkerPool poolFor(List<String> carts) {
    return new WorkerPool(2);   // a size chosen once, whatever the carts
}
