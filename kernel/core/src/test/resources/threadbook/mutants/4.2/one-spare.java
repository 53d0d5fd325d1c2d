// fails: noMoreWorkersThanCarts
WorkerPool poolFor(List<String> carts) {
    return new WorkerPool(carts.size() + 1);   // a spare worker: one more JVM to start, for nothing
}
