// fails: one after another?
List<String> fetchAll(HttpClient session, List<Integer> ids) {
    return ids.stream().map(id -> fetchCart(session, id).join()).toList();   // each waits before the next is sent
}
