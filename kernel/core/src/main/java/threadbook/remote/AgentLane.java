package threadbook.remote;

import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.StreamingExecutionControl;
import jdk.jshell.spi.ExecutionControl;
import threadbook.agent.link.CellTag;

/**
 * One subshell's command connection to the agent (see threadbook.agent.Lanes): JShell's commands of the
 * subshell's cells go here instead of to the main connection, whose agent thread may be running the
 * notebook's cell. Holds the subshell's own cell state, as AgentExecutionControl and the session hold the
 * main shell's: which cell runs, whether an interrupt stopped it.
 */
public final class AgentLane {
    /** The lane's place in the agent's Lanes arrays (read through JDI to stop its cell). */
    final int index;
    final StreamingExecutionControl control;
    private final SocketChannel socket;
    /** The cell whose runs this lane sends now; null between cells. */
    private volatile CellTag cell;
    /** The token of the last run sent for the current cell, 0 if none. */
    private volatile long lastToken;

    // Guarded by stopLock, as the main connection's are in AgentExecutionControl.
    private final Object stopLock = new Object();
    private boolean userCodeRunning;
    private boolean stopPending;
    private long stopThrownAt;
    /** The cell running on this lane, Long.MIN_VALUE between cells; the cell an interrupt stopped. */
    volatile long runningCell = Long.MIN_VALUE;
    private volatile long stoppedCell = Long.MIN_VALUE;
    private volatile CountDownLatch running = new CountDownLatch(0);

    AgentLane(int index, ObjectOutput out, ObjectInput in, SocketChannel socket) {
        this.index = index;
        this.control = new StreamingExecutionControl(out, in);
        this.socket = socket;
    }

    /**
     * Cell {@code cell} starts on this lane, labelled {@code label}; false if an interrupt stopped it before
     * (then none of it runs).
     */
    public boolean beginCell(long cell, String label) {
        synchronized (stopLock) {
            if (stoppedCell == cell) {
                return false;
            }
            stopPending = false;
            runningCell = cell;
            running = new CountDownLatch(1);
        }
        lastToken = 0;
        this.cell = new CellTag(cell, 0, label);
        return true;
    }

    /** The cell's runs are all sent; returns the token of its last run that reached the agent, 0 if none did. */
    public long endRuns() {
        cell = null;
        return lastToken;
    }

    /** The cell has ended: an interrupt for it has nothing more to stop. */
    public void endCell() {
        cell = null;
        synchronized (stopLock) {
            runningCell = Long.MIN_VALUE;
            running.countDown();
        }
    }

    /** Whether an interrupt stopped cell {@code cell}. */
    public boolean stopped(long cell) {
        return stoppedCell == cell;
    }

    /** Marks cell {@code cell} stopped; returns what counts down when the cell running now ends. */
    public CountDownLatch markStopped(long cell) {
        synchronized (stopLock) {
            stoppedCell = cell;
            return running;
        }
    }

    /** Whether cell {@code cell} runs on this lane now. */
    public boolean runs(long cell) {
        synchronized (stopLock) {
            return runningCell == cell;
        }
    }

    /** The class name tagged with this lane's cell and a new token (see CellTag), or as it is between cells. */
    String tagged(String className, AtomicLong tokens) {
        CellTag current = cell;
        if (current == null) {
            return className;
        }
        long token = tokens.incrementAndGet();
        lastToken = token;
        return new CellTag(current.cell(), token, current.label()).attachTo(className);
    }

    /** User code of this lane starts; none does once an interrupt stopped the cell (JShell: a stopped snippet). */
    void enterUserCode() throws ExecutionControl.StoppedException {
        synchronized (stopLock) {
            if (stopPending) {
                throw new ExecutionControl.StoppedException();
            }
            userCodeRunning = true;
            stopThrownAt = 0;
        }
    }

    void leaveUserCode() {
        synchronized (stopLock) {
            userCodeRunning = false;
        }
    }

    /** Throws JShell's stop into the thread of lane {@code index} through JDI; false if it runs no user code. */
    interface StopThrower {
        boolean throwStop(int index) throws ExecutionControl.EngineTerminationException, ExecutionControl.InternalException;
    }

    /**
     * Stops the lane's cell: none of its code starts any more, and the code running now gets the stop once.
     * Returns when it was thrown (System.nanoTime), 0 if no user code runs now.
     */
    long requestStop(StopThrower thrower) throws ExecutionControl.EngineTerminationException,
            ExecutionControl.InternalException {
        synchronized (stopLock) {
            stopPending = true;
            if (!userCodeRunning) {
                return 0;
            }
            if (stopThrownAt == 0 && thrower.throwStop(index)) {
                stopThrownAt = System.nanoTime();
            }
            return stopThrownAt;
        }
    }

    void close() {
        try {
            socket.close();
        } catch (java.io.IOException ignored) {
            // already closed
        }
    }
}
