// fails: one after another?
List<String> fetchAll(HttpClient session, List<Integer> ids) {
    // Each of the common pool's few threads sends a request, then waits for its answer before it sends another.
    return ids.parallelStream().map(id -> fetchCart(session, id).join()).toList();
}
