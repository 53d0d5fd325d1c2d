package threadbook.agent;

import java.util.concurrent.ForkJoinWorkerThread;

/**
 * Which cell a thread belongs to. A thread belongs to the cell whose code started it (the value is
 * inherited by every thread it starts, platform or virtual), so a line printed after the cell ended
 * still goes under that cell.
 *
 * <p>Pool threads are the exception: a pool thread runs tasks for whichever cell submitted them, and
 * it cannot tell which. Its output goes to the cell that is running now, or, when none is, to the
 * cell that ran last.
 */
public final class CellThreads {
    private static final InheritableThreadLocal<Long> CELL = new InheritableThreadLocal<>();
    private static final ThreadLocal<Boolean> POOL_THREAD = new ThreadLocal<>();
    private static final java.util.Map<Thread, String> STARTED_IN = new java.util.WeakHashMap<>();
    private static final java.util.Map<Long, String> LABELS = new java.util.concurrent.ConcurrentHashMap<>();
    static final String SYSTEM = "(system)";
    private static volatile long running = Event.NO_CELL;
    private static volatile long last = Event.NO_CELL;
    /**
     * The cells whose code runs now, by the command thread that runs each, in the order they entered: a
     * subshell's cell (see Lanes) may run while the notebook's does; when it ends, the notebook's cell is the
     * running one again. By thread, so that a cell whose leave a stop skipped is replaced by its thread's next.
     */
    private static final java.util.LinkedHashMap<Thread, Long> RUNNING = new java.util.LinkedHashMap<>();

    private CellThreads() {}

    /** Called on the thread that is about to run the cell's code; {@code label} names it for people ("[3]"). */
    public static void enter(long cell, String label) {
        if (LABELS.isEmpty()) {
            // The threads alive before the first cell are the agent's own and the JDK's: never the user's.
            int before;
            synchronized (STARTED_IN) {
                java.util.List<Thread> all = UserThreads.all();
                before = all.size();
                for (Thread t : all) {
                    STARTED_IN.put(t, SYSTEM);
                }
            }
            ThreadLimit.watch(before + 1);
        }
        LABELS.put(cell, label);
        CELL.set(cell);
        synchronized (RUNNING) {
            RUNNING.remove(Thread.currentThread());
            RUNNING.put(Thread.currentThread(), cell);
            running = cell;
            last = cell;
        }
    }

    /** The cell's code returned (its threads may go on). Threads first seen now are noted as the cell's. */
    public static void leave(long cell) {
        synchronized (RUNNING) {
            RUNNING.values().removeIf(c -> c == cell);
            Long still = null;
            for (Long c : RUNNING.values()) {
                still = c; // the one that entered last
            }
            running = still == null ? Event.NO_CELL : still;
            if (still != null) {
                last = still;
            }
        }
        synchronized (STARTED_IN) {
            for (Thread t : UserThreads.all()) {
                STARTED_IN.putIfAbsent(t, LABELS.getOrDefault(cell, "?"));
            }
        }
    }

    /** The label of the cell during which a thread was first seen, e.g. "[3]", or "?" if unknown. */
    static String startedIn(Thread thread) {
        synchronized (STARTED_IN) {
            String label = STARTED_IN.get(thread);
            return label == null ? LABELS.getOrDefault(running, "?") : label;
        }
    }

    /** The label of cell {@code cell} ("[3]"), or null if no such cell ran. */
    static String label(long cell) {
        return LABELS.get(cell);
    }

    /** The cell running now, or {@link Event#NO_CELL}. */
    static long running() {
        return running;
    }

    /** The cell running now, or if none, the last one that ran. */
    static long runningOrLast() {
        long now = running;
        return now != Event.NO_CELL ? now : last;
    }

    /**
     * Runs {@code body} with the current thread (and the threads it starts) printing into {@code cell}: a
     * widget's listener into the cell that registered it, a captured run into an Output widget's (see
     * CapturedOutput). The thread's own cell is back afterwards.
     */
    public static void runIn(long cell, Runnable body) {
        Long before = CELL.get();
        Boolean poolBefore = POOL_THREAD.get();
        CELL.set(cell);
        POOL_THREAD.set(false);
        try {
            body.run();
        } finally {
            CELL.set(before);
            POOL_THREAD.set(poolBefore);
        }
    }

    /** The cell the current thread prints into. */
    public static long current() {
        if (isPoolThread()) {
            long now = running;
            return now != Event.NO_CELL ? now : last;
        }
        Long cell = CELL.get();
        return cell != null ? cell : last;
    }

    private static boolean isPoolThread() {
        Boolean known = POOL_THREAD.get();
        if (known == null) {
            known = detectPoolThread();
            POOL_THREAD.set(known);
        }
        return known;
    }

    /** Looked up once per thread: a pool worker has the pool's run loop at the bottom of its stack. */
    private static boolean detectPoolThread() {
        Thread thread = Thread.currentThread();
        if (thread instanceof ForkJoinWorkerThread) {
            return true;
        }
        return StackWalker.getInstance().walk(frames -> frames
                .anyMatch(f -> f.getClassName().startsWith("java.util.concurrent.ThreadPoolExecutor")));
    }
}
