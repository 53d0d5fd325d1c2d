// fails: join every thread
/** Starts `threads` threads that each run `work`, and waits for them all. */
void runInThreads(int threads, Runnable work) throws InterruptedException {
    List<Thread> started = new ArrayList<>();
    for (int i = 0; i < threads; i++) {
        Thread t = new Thread(work);
        t.start();
        started.add(t);
    }
    // no join: the count is read while the threads still add
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
        lock.lock();
        try {
            value++;
        } finally {
            lock.unlock();
        }
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
