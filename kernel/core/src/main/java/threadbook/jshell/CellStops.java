package threadbook.jshell;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import jdk.jshell.spi.ExecutionControl;
import threadbook.remote.AgentExecutionControl;

/**
 * Which cell of the main shell runs its Java now, which one an interrupt stopped, and how a stop escalates:
 * JShell's stop through JDI, again until it lands, and, past the grace, the end of the Java process.
 */
final class CellStops {
    private static final Logger LOG = Logger.getLogger(CellStops.class.getName());
    private static final long NONE = Long.MIN_VALUE;

    /** Orders starting a cell's Java against stopping it: a late interrupt must not stop the next cell. */
    private final Object lock = new Object();
    /** The cell an interrupt stopped (or is stopping): none of its code runs any more. */
    private volatile long stoppedCell = NONE;
    /** The cell whose Java runs now, NONE between. Changes under the lock, as stops are sent. */
    private volatile long runningCell = NONE;
    private volatile CountDownLatch running = new CountDownLatch(0);
    private final Supplier<AgentExecutionControl> control;
    private final BooleanSupplier closed;

    CellStops(Supplier<AgentExecutionControl> control, BooleanSupplier closed) {
        this.control = control;
        this.closed = closed;
    }

    /**
     * Cell {@code cell}'s Java starts, and {@code starting} with it, under the lock; false if an interrupt
     * came first (a magic running Java again after the interrupt, or an interrupt before the cell started).
     */
    boolean begin(long cell, Runnable starting) {
        synchronized (lock) {
            if (stoppedCell == cell) {
                return false;
            }
            runningCell = cell;
            running = new CountDownLatch(1);
            starting.run();
            return true;
        }
    }

    /** The cell's Java has ended. */
    void end() {
        synchronized (lock) {
            runningCell = NONE;
            running.countDown();
        }
    }

    boolean stopped(long cell) {
        return stoppedCell == cell;
    }

    /** Whether an interrupt ever stopped a cell of this session. */
    boolean anyStopped() {
        return stoppedCell != NONE;
    }

    boolean runs(long cell) {
        return runningCell == cell;
    }

    boolean anyRuns() {
        return runningCell != NONE;
    }

    /**
     * Stops cell {@code cell} (see JShellSession.interrupt); false if user code got the stop and has not
     * ended {@code graceMillis} later, or could not be reached that long: then only ending the Java process
     * stops it.
     */
    boolean interrupt(long cell, long graceMillis) {
        CountDownLatch cellRunning;
        synchronized (lock) {
            stoppedCell = cell;
            cellRunning = running;
        }
        long unreachedSince = 0;
        try {
            while (true) {
                AgentExecutionControl engine = control.get();
                if (engine == null || closed.getAsBoolean()) {
                    return true;
                }
                long thrownAt;
                try {
                    synchronized (lock) {
                        if (runningCell != cell) {
                            return true; // ended, or not started yet: then it sees stoppedCell
                        }
                        thrownAt = engine.requestStop();
                    }
                } catch (ExecutionControl.ExecutionControlException | RuntimeException e) {
                    // the code ended meanwhile, or the agent died: the loop sees which
                    LOG.fine(() -> "stop failed: " + e);
                    thrownAt = 0;
                }
                long now = System.nanoTime();
                if (thrownAt != 0 && now - thrownAt > TimeUnit.MILLISECONDS.toNanos(graceMillis)
                        && engine.agentInUserCode()) {
                    return false;
                }
                // User code runs, yet the stop could not be thrown into it: escalate after the grace too.
                unreachedSince = thrownAt == 0 && engine.userCodeRunning() ? (unreachedSince == 0 ? now : unreachedSince) : 0;
                if (unreachedSince != 0 && now - unreachedSince > TimeUnit.MILLISECONDS.toNanos(graceMillis)) {
                    return false;
                }
                if (cellRunning.await(thrownAt == 0 ? 5 : 20, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
