package threadbook.agent;

import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import threadbook.host.Limits;

/**
 * Enforces {@link Limits#maxThreads}. Java has no hook on thread creation, so this thread, made before any
 * cell runs, counts the live threads every few milliseconds (a counter read, not a walk of the threads).
 * Past the limit it tells the kernel (a {@link Event.LimitReached} event), which stops the running cell
 * through JDI as an interrupt does and then ends the threads that cell started (the agent's stopper thread,
 * with {@link #takeCellToStop} naming the cell). It never creates a thread itself, so it works when none
 * can be created any more.
 */
final class ThreadLimit {
    private static final long INTERVAL_MILLIS = 10;
    private static volatile long cellToStop = Event.NO_CELL;

    private ThreadLimit() {}

    /** Starts the watch; {@code baseline} is how many threads the JVM had before the first cell (not the user's). */
    static void watch(int baseline) {
        int limit = Limits.maxThreads();
        ThreadMXBean threads = ManagementFactory.getThreadMXBean();
        Thread t = new Thread(() -> {
            boolean over = false;
            while (true) {
                try {
                    Thread.sleep(INTERVAL_MILLIS);
                } catch (InterruptedException e) {
                    return;
                }
                int users = threads.getThreadCount() - baseline;
                if (users > limit && !over) {
                    over = true;
                    // With no cell running, the threads that grew are not yet known by cell: all of them stop.
                    long running = CellThreads.running();
                    cellToStop = running;
                    long cell = running != Event.NO_CELL ? running : CellThreads.runningOrLast();
                    Cells.send(new Event.LimitReached(cell, message(users, limit, running != Event.NO_CELL)));
                } else if (users <= limit * 9L / 10) {
                    over = false; // stopped: the next time over the limit is a new one
                }
            }
        }, "threadbook-thread-limit");
        t.setDaemon(true);
        t.setPriority(Thread.MAX_PRIORITY);
        t.start();
    }

    /** The cell whose threads the stopper should end (once), or {@link Event#NO_CELL} for every user thread. */
    static long takeCellToStop() {
        long cell = cellToStop;
        cellToStop = Event.NO_CELL;
        return cell;
    }

    static String message(int threads, int limit, boolean cellRunning) {
        return String.format(java.util.Locale.ROOT, "Too many threads: your code had %,d threads running at once, more than"
                + " this kernel allows (%,d, the setting %s). "
                + (cellRunning ? "The cell was stopped and the threads it started were ended"
                        : "No cell was running: your threads were ended")
                + "; your variables are kept. Run many tasks on few threads instead: a pool"
                + " (Executors.newFixedThreadPool) or virtual threads (Executors.newVirtualThreadPerTaskExecutor)."
                + " The limit is set where the kernel is installed (install.sh --max-threads N).",
                threads, limit, Limits.THREADS_SETTING);
    }
}
