// fails: expected: <[2, 1]>
List<String> fetchAll(HttpClient session, List<Integer> ids) {
    List<String> carts = Collections.synchronizedList(new ArrayList<>());   // in the order they arrive
    CompletableFuture.allOf(ids.stream().map(id -> fetchCart(session, id).thenAccept(carts::add))
            .toArray(CompletableFuture[]::new)).join();
    return carts;
}
