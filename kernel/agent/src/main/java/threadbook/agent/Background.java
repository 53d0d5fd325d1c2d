package threadbook.agent;

import java.util.Arrays;
import java.util.List;
import threadbook.agent.link.BackgroundWork;
import threadbook.agent.link.Stopped;
import threadbook.workers.WorkerRegistry;

/**
 * The work a notebook left running in this JVM: the threads its cells started (each knows its cell,
 * see {@link CellThreads}; what counts as a user thread is {@link UserThreads}'s one rule) and the worker
 * processes it started ({@link WorkerRegistry}). Every way of stopping goes through here: %threads stop,
 * %workers stop, the kernel's second interrupt and the thread limit (through the stopper thread, see ThreadbookAgent).
 */
final class Background {
    private Background() {}

    /** One line per live user thread (the first {@code limit}, then how many more). */
    static List<String> threads(int limit) {
        return Arrays.asList(UserThreads.describe(limit));
    }

    /** One line per live worker process, and a count of those that ended. */
    static List<String> workers() {
        return Arrays.asList(WorkerRegistry.describe());
    }

    /** Interrupts the user's threads and/or ends the worker processes, now, without waiting. */
    static Stopped stop(BackgroundWork what) {
        int threads = what.threads() ? UserThreads.stopAll() : 0;
        int workers = what.workers() ? WorkerRegistry.killAll() : 0;
        return new Stopped(threads, workers);
    }

    /**
     * The kernel's stop (second interrupt): interrupts the user's threads and waits up to
     * {@code waitMillis} for them; those still alive are left for the kernel to stop through JDI. The
     * kernel ends the processes itself (every child of this JVM, workers or not).
     */
    static UserThreads.Stopped stopThreadsAndWait(long waitMillis) {
        // After the thread limit stopped a cell, only that cell's threads: those of earlier cells did nothing wrong.
        long cell = ThreadLimit.takeCellToStop();
        return cell != Event.NO_CELL ? UserThreads.interruptCell(waitMillis, cell) : UserThreads.interruptAll(waitMillis);
    }
}
