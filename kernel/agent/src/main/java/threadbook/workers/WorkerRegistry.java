package threadbook.workers;

import java.util.ArrayList;
import java.util.List;
import threadbook.host.Limits;

/** Every worker the session started: for %workers, for CPU totals, and to end them. */
public final class WorkerRegistry {
    private static final List<Worker> WORKERS = new ArrayList<>();
    /** How long a new pool waits at most for the workers of closed pools to exit when they stand in its way. */
    static final long ENDING_WAIT_MILLIS = 10_000;

    private WorkerRegistry() {}

    static synchronized void add(Worker w) {
        WORKERS.add(w);
    }

    /**
     * Fails, before any JVM starts, unless {@code wanted} more workers fit under {@link Limits#maxWorkers}
     * beside the live workers cells took. Spares count towards the limit too, but never against a cell: a
     * cell takes them first, and no spare starts where a worker would not fit (see Spares). Workers of a pool
     * closed just before are still ending (a JVM takes a moment to exit, longer when it writes its class data
     * archive, and a worker first finishes the tasks it runs): where they stand in the way, it waits up to
     * {@value #ENDING_WAIT_MILLIS} ms for them, as {@code with Pool(...)} in Python waits for its processes.
     */
    public static void checkRoom(int wanted, String request) {
        int limit = Limits.maxWorkers();
        long deadline = System.nanoTime() + ENDING_WAIT_MILLIS * 1_000_000L;
        while (true) {
            int taken = 0;
            int ending = 0;
            synchronized (WorkerRegistry.class) {
                for (Worker w : WORKERS) {
                    if (!w.isSpare() && w.isAlive()) {
                        taken++;
                        ending += w.isEnding() ? 1 : 0;
                    }
                }
            }
            if ((long) taken + wanted <= limit) {
                return;
            }
            if ((long) taken - ending + wanted > limit || System.nanoTime() > deadline) {
                throw tooMany(wanted, request, limit, taken, ending);
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw tooMany(wanted, request, limit, taken, ending);
            }
        }
    }

    private static IllegalStateException tooMany(int wanted, String request, int limit, int taken, int ending) {
        String closed = ending == 0 ? "" : ", " + ending + " of them from closed pools, not ended yet";
        String running = taken == 0 ? ""
                : " and " + taken + " are running already" + closed + " (close pools you no longer need, or %workers stop)";
        return new IllegalStateException(String.format(java.util.Locale.ROOT,
                "Too many worker processes: %s asks for %d, but this kernel allows %d at once (the setting %s)%s."
                + " No process was started. Each worker is a whole JVM: about as many as the machine has cores"
                + " (%d here) is usually the fastest. The limit is set where the kernel is installed"
                + " (install.sh --max-workers N).",
                request, wanted, limit, Limits.WORKERS_SETTING, running, Runtime.getRuntime().availableProcessors()));
    }

    /** How many worker JVMs are alive, spares included. */
    static synchronized int alive() {
        int n = 0;
        for (Worker w : WORKERS) {
            if (w.isAlive()) {
                n++;
            }
        }
        return n;
    }

    /** CPU time of every worker process so far, as they last reported it. */
    public static synchronized long cpuNanos() {
        long total = 0;
        for (Worker w : WORKERS) {
            total += w.cpuNanos();
        }
        return total;
    }

    /** One line per live worker, and a count of those that ended. */
    public static synchronized String[] describe() {
        List<String> lines = new ArrayList<>();
        int ended = 0;
        for (Worker w : WORKERS) {
            if (w.isAlive()) {
                lines.add(w.describe());
            } else {
                ended++;
            }
        }
        if (ended > 0) {
            lines.add(ended + " worker process" + (ended == 1 ? "" : "es") + " ended before");
        }
        return lines.toArray(new String[0]);
    }

    /** Worker tasks that ran since {@code since}: lines "index pid startEpochNs endEpochNs". */
    public static synchronized String[] tasksSince(java.time.Instant since) {
        long from = since.getEpochSecond() * 1_000_000_000L + since.getNano();
        List<String> lines = new ArrayList<>();
        for (Worker w : WORKERS) {
            w.taskTimes(from, lines);
        }
        return lines.toArray(new String[0]);
    }

    /** Whether a worker a cell took is still booting (spares wait for it: it gets the cores first). */
    static synchronized boolean anyStarting() {
        for (Worker w : WORKERS) {
            if (!w.isSpare() && w.isAlive() && !w.isReady()) {
                return true;
            }
        }
        return false;
    }

    /** Ends every live worker now, the pre-started spares too (they stay away until a cell starts a worker). */
    public static int killAll() {
        // Before this class's lock: Spares locks its own, then this one.
        Spares.stopUntilNextUse();
        synchronized (WorkerRegistry.class) {
            int n = 0;
            for (Worker w : WORKERS) {
                if (w.isAlive()) {
                    w.kill();
                    n++;
                }
            }
            return n;
        }
    }
}
