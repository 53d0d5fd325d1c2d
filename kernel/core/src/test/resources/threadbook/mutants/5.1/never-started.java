// fails: every page downloaded
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
    return urls.stream().map(url -> Thread.ofVirtual().unstarted(() -> pretendDownload(url))).toList();   // made, not started
}
