// fails: did not return within 5 s
Set<String> downloaded = ConcurrentHashMap.newKeySet();

void pretendDownload(String url) {
    try {
        Thread.sleep(1000); // the network
    } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return;
    }
    downloaded.add(url);
}

List<Thread> downloadOnVirtualThreads(List<String> urls) {
    List<Thread> threads = new ArrayList<>();
    for (String url : urls) {
        Thread t = Thread.ofVirtual().start(() -> pretendDownload(url));
        try {
            t.join();   // waits for each download before it starts the next
        } catch (InterruptedException e) {
            throw new IllegalStateException(e);
        }
        threads.add(t);
    }
    return threads;
}
