// fails: lost
/** Starts `threads` threads that each run `work`, and waits for them all. */
void runInThreads(int threads, Runnable work) throws InterruptedException {
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
        Thread t = new Thread(work);
        t.start();
        started.add(t);
    }
    for (Thread t : started) {
        t.join();
    }
}

long countWithAtomicLong(int threads, int perThread) throws InterruptedException {
    AtomicLong counter = new AtomicLong();
    runInThreads(threads, () -> {
        for (int i = 0; i < perThread; i++) {
            counter.incrementAndGet();
        }
    });
    return counter.get();
}

class LockedCounter {
    private long value;

    void add() {
        ReentrantLock lock = new ReentrantLock(); // a new lock per call: no two threads ever share it
        lock.lock();
        try {
            value++;
        } finally {
            lock.unlock();
        }
    }

    long get() {
        return value;
    }
}

long countWithLock(int threads, int perThread) throws InterruptedException {
    LockedCounter counter = new LockedCounter();
    runInThreads(threads, () -> {
        for (int i = 0; i < perThread; i++) {
            counter.add();
        }
    });
    return counter.get();
}

long countWithLongAdder(int threads, int perThread) throws InterruptedException {
    LongAdder counter = new LongAdder();
    runInThreads(threads, () -> {
        for (int i = 0; i < perThread; i++) {
            counter.increment();
        }
    });
    return counter.sum();
}
