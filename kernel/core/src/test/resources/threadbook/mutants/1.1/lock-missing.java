// fails: never held a ReentrantLock | additions (run
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
    private final ReentrantLock lock = new ReentrantLock();
    private long value;

    void add() {
        value++; // no lock: value++ is a read, an add and a write
    }

    long get() {
        lock.lock();
        try {
            return value;
        } finally {
            lock.unlock();
        }
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
