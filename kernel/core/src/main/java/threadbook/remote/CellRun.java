package threadbook.remote;

import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;
import jdk.jshell.spi.ExecutionControl.EngineTerminationException;
import jdk.jshell.spi.ExecutionControl.InternalException;
import jdk.jshell.spi.ExecutionControl.StoppedException;

/**
 * One run of a cell, from the moment its request is taken until its code has ended: which cell, in which
 * shell, how far it got, and the stop asked for it. The kernel's Execution makes it and hands it down to the
 * session and the engine, so that "is this cell being stopped", "does its Java run now", "does its code run
 * in the agent now" and "is its grace over" are answered here, under this object's lock, for the notebook's
 * shell and a subshell alike. A stop is bound to its run: one that comes late finds this run ended and never
 * reaches the next cell.
 */
public final class CellRun {
    /** How long an interrupted cell may take to stop before it is given up on. */
    public static final long GRACE_MILLIS = 1_000;

    public enum State {
        /** Taken from the queue, waiting for its session. */
        QUEUED,
        /** Its steps run (Java or magics). */
        RUNNING,
        /** Its code has ended (its reply may still be on its way). */
        ENDED
    }

    /** Throws JShell's stop into the agent thread that runs this run's code; false if it runs no user code. */
    public interface Thrower {
        boolean throwStop() throws EngineTerminationException, InternalException;
    }

    private final long id;
    private final String subshell;
    private final long graceNanos;
    private final LongSupplier clock;

    // Guarded by this.
    private State state = State.QUEUED;
    private boolean stopRequested;
    private long stopRequestedAt;
    /** A Java step runs: from before JShell compiles it until its output is all in. */
    private boolean inJava;
    /** JShell's invoke of one of the step's snippets runs in the agent (the stop can be thrown into it). */
    private boolean inUserCode;
    private boolean stopThrown;
    private long stopThrownAt;
    /** Since when user code runs that the stop could not be thrown into; 0 when it could, or none runs. */
    private boolean unreached;
    private long unreachedSince;

    /** Cell {@code id} of subshell {@code subshell} (null: the notebook's shell); the clock is System.nanoTime's kind. */
    public CellRun(long id, String subshell, long graceMillis, LongSupplier clock) {
        this.id = id;
        this.subshell = subshell;
        this.graceNanos = TimeUnit.MILLISECONDS.toNanos(graceMillis);
        this.clock = clock;
    }

    /** A run of the notebook's shell with the usual grace, already started (a warm-up, a test's cell). */
    public static CellRun started(long id) {
        CellRun run = new CellRun(id, null, GRACE_MILLIS, System::nanoTime);
        run.start();
        return run;
    }

    public long id() {
        return id;
    }

    /** The subshell the run belongs to, null for the notebook's shell. */
    public String subshell() {
        return subshell;
    }

    public synchronized State state() {
        return state;
    }

    /** The run has its session and its steps start; false if a stop came first (then none of it runs). */
    public synchronized boolean start() {
        if (stopRequested) {
            return false;
        }
        if (state == State.QUEUED) {
            state = State.RUNNING;
        }
        return true;
    }

    /** The run's code has ended: a stop for it has nothing more to do. */
    public synchronized void end() {
        state = State.ENDED;
        inJava = false;
        inUserCode = false;
        notifyAll();
    }

    /** Asks the run to stop: none of its code starts from now on. Returns the state it was in. */
    public synchronized State requestStop() {
        if (!stopRequested) {
            stopRequested = true;
            stopRequestedAt = clock.getAsLong();
        }
        notifyAll();
        return state;
    }

    public synchronized boolean stopRequested() {
        return stopRequested;
    }

    /** A Java step starts; false if a stop came first (a magic running Java again after the interrupt). */
    public synchronized boolean beginJava() {
        if (stopRequested) {
            return false;
        }
        inJava = true;
        return true;
    }

    public synchronized void endJava() {
        inJava = false;
        notifyAll();
    }

    public synchronized boolean inJava() {
        return inJava;
    }

    /** Waits at most {@code millis} for no Java step to run; says whether none does. */
    public synchronized boolean awaitOutOfJava(long millis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        while (inJava) {
            long left = deadline - System.nanoTime();
            if (left <= 0) {
                return false;
            }
            TimeUnit.NANOSECONDS.timedWait(this, left);
        }
        return true;
    }

    /**
     * A snippet's code starts in the agent; refused once a stop was asked for (JShell takes the exception as
     * a stopped snippet: a stop that came while JShell compiled).
     */
    public synchronized void enterUserCode() throws StoppedException {
        if (stopRequested) {
            throw new StoppedException();
        }
        inUserCode = true;
    }

    public synchronized void leaveUserCode() {
        inUserCode = false;
    }

    public synchronized boolean inUserCode() {
        return inUserCode;
    }

    /**
     * Asks the run to stop and throws the stop into its code running now, once: under this lock, so that it
     * is thrown only while this run's snippet runs, never into the next one's. Returns whether it was thrown
     * (now or before); false while no user code of it runs (JShell still compiles) or its thread is not yet
     * known: call again.
     */
    public synchronized boolean throwStop(Thrower thrower) throws EngineTerminationException, InternalException {
        requestStop();
        if (!inUserCode) {
            return false;
        }
        if (!stopThrown && thrower.throwStop()) {
            stopThrown = true;
            stopThrownAt = clock.getAsLong();
        }
        return stopThrown;
    }

    /**
     * Whether the run is past its grace, so that only ending the Java process stops it: the stop was thrown
     * ({@code thrownNow}) longer than the grace ago and the agent still runs user code, or user code runs that
     * the stop could not be thrown into for longer than the grace. Counted from the throw, not the request:
     * the time JShell takes to compile does not count.
     */
    public synchronized boolean pastGrace(boolean thrownNow, BooleanSupplier agentInUserCode) {
        long now = clock.getAsLong();
        if (thrownNow) {
            unreached = false;
            return now - stopThrownAt > graceNanos && agentInUserCode.getAsBoolean();
        }
        if (!inUserCode) {
            unreached = false;
            return false;
        }
        if (!unreached) {
            unreached = true;
            unreachedSince = now;
        }
        return now - unreachedSince > graceNanos;
    }

    /** Whether the grace since the stop was asked for is over (a subshell's stop gives up then). */
    public synchronized boolean stopDeadlinePassed() {
        return stopRequested && clock.getAsLong() - stopRequestedAt > graceNanos;
    }

    @Override
    public String toString() {
        return "cell " + id + (subshell == null ? "" : " of subshell " + subshell);
    }
}
