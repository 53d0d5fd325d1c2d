package threadbook.workers;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedList;
import java.util.List;
import threadbook.host.Limits;

/**
 * Pre-started worker JVMs ("spares"), Threadbook's answer to Python's forkserver: a JVM takes a few hundred
 * milliseconds to start, so a few are started ahead, in the background, and warmed with the notebook's
 * classes; {@code new WorkerProcess(...).start()} and {@code new WorkerPool(n)} then take one instead of
 * waiting for a JVM to boot, and a replacement starts behind them.
 *
 * <p>What does not change: every worker a cell starts is a new process with its own pid and memory. A spare
 * has never run a task when it is taken, and it is never given back: once taken it is that cell's worker,
 * and it ends as any worker does.
 *
 * <p>How many: automatically (the default), none until the notebook first starts a worker, then as many as
 * the most workers one cell started, at most {@value #AUTO_MOST}; or a fixed number set with
 * {@code %workers prestart N}; or none ({@code %workers prestart off}). Spares are not started while a magic
 * times a cell ({@link #hold}), nor while a worker a cell asked for is still booting (so that they do not
 * compete with it for the cores), nor after {@code %workers stop} until a cell starts a worker again.
 */
public final class Spares {
    /** The most spares the automatic setting keeps: enough for the course's four-process examples. */
    static final int AUTO_MOST = 4;
    /** The most a user may ask for: each costs a JVM's memory. */
    public static final int MOST = 16;
    /** How long a timed magic waits at most for a spare that is booting to be done with it. */
    private static final long HOLD_WAIT_MILLIS = 5_000;
    private static final long BOOT_WAIT_MILLIS = 20_000;
    /** How long %workers prestart N waits for its spares to be ready. */
    private static final long READY_WAIT_MILLIS = 60_000;
    /**
     * No spare starts this soon after a cell took a worker: the cell's tasks are starting to run in the
     * workers it took, and a JVM booting beside them would slow exactly what the spares are there to speed up.
     */
    private static final long QUIET_AFTER_TAKE_MILLIS = 500;

    private static final Object LOCK = new Object();
    /** -1 for automatic, else the number of spares to keep (0: none). */
    private static int fixed = -1;
    /** Automatic setting: the most workers one cell took, and the count in the cell taking them now. */
    private static int demand;
    private static long demandCell = Long.MIN_VALUE;
    private static int demandInCell;
    /** After %workers stop: no spares until a cell starts a worker again. */
    private static boolean stopped;
    /** Timed magics running now: no spare starts meanwhile. */
    private static int holds;
    /** The filler is starting, warming or updating a spare now (a timed magic waits for that to end). */
    private static boolean filling;
    /** Spares, oldest first; a dead one (killed, crashed) is dropped when met. */
    private static final LinkedList<Worker> SPARES = new LinkedList<>();
    private static boolean classesChanged;
    private static long lastTake = System.nanoTime() - 2 * QUIET_AFTER_TAKE_MILLIS * 1_000_000;
    private static Thread filler;

    private Spares() {}

    /**
     * The worker for {@code cell}, which starts one now, numbered {@code number}, its output printed into
     * that cell by {@code printer}: a spare if there is one (a warm one first), else a JVM started now.
     * Either way, a replacement spare is started in the background.
     */
    public static Worker take(int number, long cell, CellPrinter printer) throws IOException {
        WorkerRegistry.checkRoom(1, "starting worker " + number);
        Worker spare = null;
        synchronized (LOCK) {
            stopped = false;
            if (cell != demandCell) {
                demandCell = cell;
                demandInCell = 0;
            }
            demandInCell++;
            demand = Math.max(demand, Math.min(AUTO_MOST, demandInCell));
            lastTake = System.nanoTime();
            for (int pass = 0; pass < 2 && spare == null; pass++) {
                for (Iterator<Worker> it = SPARES.iterator(); it.hasNext(); ) {
                    Worker w = it.next();
                    if (!w.isAlive()) {
                        it.remove();
                    } else if (pass == 1 || w.isWarm()) {
                        it.remove();
                        spare = w;
                        break;
                    }
                }
            }
            startFiller();
            LOCK.notifyAll();
        }
        if (spare != null) {
            spare.claim(number, cell, printer);
            return spare;
        }
        return new Worker(number, cell, printer);
    }

    /** Called when the notebook's classes change: spares get them in the background. */
    static void classesChanged() {
        synchronized (LOCK) {
            classesChanged = true;
            if (filler != null) {
                LOCK.notifyAll();
            }
        }
    }

    /**
     * A magic is about to time a cell: no spare starts until {@link #release}, and one that is booting now
     * is waited for (at most 5 s), so that no JVM start falls into the time measured.
     */
    public static void hold() {
        synchronized (LOCK) {
            holds++;
            long until = System.currentTimeMillis() + HOLD_WAIT_MILLIS;
            try {
                for (long left = HOLD_WAIT_MILLIS; filling && left > 0; left = until - System.currentTimeMillis()) {
                    LOCK.wait(left);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The timing is over: spares may start again. */
    public static void release() {
        synchronized (LOCK) {
            holds = Math.max(0, holds - 1);
            LOCK.notifyAll();
        }
    }

    /** %workers prestart N, off (0) or auto (-1). Spares above the new number end now. */
    public static void setTarget(int n) {
        if (n < -1 || n > MOST) {
            throw new IllegalArgumentException("between 0 and " + MOST + " spares, not " + n);
        }
        List<Worker> extra = new ArrayList<>();
        synchronized (LOCK) {
            fixed = n;
            stopped = false;
            SPARES.removeIf(w -> !w.isAlive());
            while (SPARES.size() > Math.max(0, target())) {
                extra.add(SPARES.removeLast());
            }
            startFiller();
            LOCK.notifyAll();
        }
        extra.forEach(Worker::kill);
    }

    /** %workers stop: the spares end with the other workers and stay away until a cell starts a worker. */
    static void stopUntilNextUse() {
        synchronized (LOCK) {
            stopped = true;
            SPARES.clear(); // WorkerRegistry.killAll ends them: they are registered workers
        }
    }

    /**
     * Waits until {@code n} spares are warm, at most {@code millis}: %workers prestart N returns when they
     * are ready, so that the next cell finds them (a notebook run top to bottom gets the same start times).
     */
    static boolean awaitWarm(int n, long millis) {
        long until = System.currentTimeMillis() + millis;
        synchronized (LOCK) {
            try {
                while (true) {
                    SPARES.removeIf(w -> !w.isAlive());
                    if (SPARES.stream().filter(Worker::isWarm).count() >= n) {
                        return true;
                    }
                    long left = until - System.currentTimeMillis();
                    if (left <= 0 || target() < n) {
                        return false;
                    }
                    LOCK.wait(Math.min(left, 100));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return false;
            }
        }
    }

    /** One line on the setting, for %workers. */
    public static String status() {
        synchronized (LOCK) {
            SPARES.removeIf(w -> !w.isAlive());
            long warm = SPARES.stream().filter(Worker::isWarm).count();
            String setting = fixed == -1
                    ? "automatic (as many as the most workers one cell started, at most " + AUTO_MOST + ")"
                    : fixed == 0 ? "off" : fixed + " kept ready";
            String now = SPARES.isEmpty() ? "none now" : SPARES.size() + " now, " + warm + " of them ready";
            String why = holds > 0 ? "; none start while a magic times a cell"
                    : stopped ? "; stopped by %workers stop until a cell starts a worker" : "";
            return "Pre-started workers: " + setting + "; " + now + why;
        }
    }

    /**
     * Keeps {@code n} spares ready (0: none, -1: automatic); for a positive {@code n}, waits a while until
     * they are ready, so a notebook run top to bottom finds them. Answers the status line and the wait.
     */
    public static String prestart(int n) {
        if (n > Limits.maxWorkers()) {
            return "Not changed: this kernel allows " + Limits.maxWorkers() + " worker processes at once, spares included"
                    + " (the setting " + Limits.WORKERS_SETTING + "); keep at most that many, not " + n + ". " + status();
        }
        setTarget(n);
        if (n <= 0) {
            return status();
        }
        long t0 = System.nanoTime();
        boolean ready = awaitWarm(n, READY_WAIT_MILLIS);
        return status() + String.format(java.util.Locale.ROOT, ready ? " (waited %.1f s for them)"
                : " (not all ready after %.0f s: the machine is busy; they keep starting in the background)",
                (System.nanoTime() - t0) / 1e9);
    }

    /** How many spares to keep now. */
    private static int target() {
        if (stopped) {
            return 0;
        }
        return fixed >= 0 ? fixed : demand;
    }

    private static void startFiller() {
        if (filler == null && target() > 0) {
            filler = new Thread(Spares::fill, "threadbook-spares");
            filler.setDaemon(true);
            filler.start();
        }
    }

    private enum Job { START, CLASSES }

    /** The background thread: keeps the number of spares up, one JVM at a time, and their classes current. */
    private static void fill() {
        while (true) {
            Job job;
            List<Worker> toUpdate = new ArrayList<>();
            synchronized (LOCK) {
                try {
                    while ((job = next()) == null) {
                        // Short naps only while spares are missing (to see when a cell's worker is up, or the
                        // quiet half second is over); else every change wakes this thread.
                        boolean missing = holds == 0 && SPARES.size() < target();
                        LOCK.wait(missing ? 100 : 5_000);
                    }
                } catch (InterruptedException e) {
                    return;
                }
                filling = true;
                if (job == Job.CLASSES) {
                    classesChanged = false;
                    toUpdate.addAll(SPARES);
                }
            }
            try {
                if (job == Job.START) {
                    startOne();
                } else {
                    for (Worker w : toUpdate) {
                        try {
                            w.refreshClasses();
                        } catch (IOException gone) {
                            // the spare ended: dropped when next met
                        }
                    }
                }
            } catch (IOException | RuntimeException e) {
                // could not start a JVM now (e.g. out of memory or processes): a cell will start its own
                pause(1000);
            } finally {
                synchronized (LOCK) {
                    filling = false;
                    LOCK.notifyAll();
                }
            }
        }
    }

    /** What the filler should do now, or null to wait. Called with LOCK held. */
    private static Job next() {
        if (holds > 0) {
            return null;
        }
        if (classesChanged && !SPARES.isEmpty()) {
            return Job.CLASSES;
        }
        SPARES.removeIf(w -> !w.isAlive());
        if (SPARES.size() >= target() || System.nanoTime() - lastTake < QUIET_AFTER_TAKE_MILLIS * 1_000_000) {
            return null;
        }
        // A worker a cell is waiting for gets the cores first: spares start once it is up. A spare starts
        // only where a worker would fit under the limit (it would take a cell's room).
        return WorkerRegistry.anyStarting() || WorkerRegistry.alive() >= Limits.maxWorkers() ? null : Job.START;
    }

    private static void startOne() throws IOException {
        Worker w = new Worker(0, 0, null);
        synchronized (LOCK) {
            SPARES.add(w);
        }
        try {
            w.awaitReady(BOOT_WAIT_MILLIS);
        } catch (Exception didNotStart) {
            w.kill();
            return;
        }
        byte[] warmTask = Tasks.warmUp();
        synchronized (LOCK) {
            if (!SPARES.contains(w)) {
                return; // taken by a cell meanwhile: it is a worker now, no warm-up
            }
            // Under the lock, so that no cell takes it between the check and the warm-up frame.
            w.warmUp(warmTask);
        }
        if (!w.awaitWarm(BOOT_WAIT_MILLIS)) {
            synchronized (LOCK) {
                if (!SPARES.remove(w)) {
                    return; // a cell has it: the task waits behind the warm-up, nothing to end
                }
            }
            w.kill();
        }
    }

    private static void pause(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
