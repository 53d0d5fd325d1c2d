package threadbook.remote;

import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.StreamingExecutionControl;
import threadbook.agent.link.CellTag;

/**
 * One subshell's command connection to the agent (see threadbook.agent.Lanes): JShell's commands of the
 * subshell's cells go here instead of to the main connection, whose agent thread may be running the
 * notebook's cell. Knows which run its cell is (see CellRun, which holds whether an interrupt stopped it).
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

    /** The run of the cell this lane runs now (it takes the stops); null between cells. */
    private volatile CellRun run;

    AgentLane(int index, ObjectOutput out, ObjectInput in, SocketChannel socket) {
        this.index = index;
        this.control = new StreamingExecutionControl(out, in);
        this.socket = socket;
    }

    /**
     * Run {@code run} starts its Java on this lane, labelled {@code label}; false if an interrupt stopped it
     * before (then none of it runs).
     */
    public boolean beginCell(CellRun run, String label) {
        if (!run.beginJava()) {
            return false;
        }
        this.run = run;
        lastToken = 0;
        this.cell = new CellTag(run.id(), 0, label);
        return true;
    }

    /** The cell's runs are all sent; returns the token of its last run that reached the agent, 0 if none did. */
    public long endRuns() {
        cell = null;
        return lastToken;
    }

    /** The cell's Java has ended: an interrupt for it has nothing more to stop. */
    public void endCell() {
        cell = null;
        CellRun ended = run;
        run = null;
        if (ended != null) {
            ended.endJava();
        }
    }

    /** Whether a cell runs on this lane now. */
    boolean running() {
        return run != null;
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

    /** The run of the cell this lane runs now (it takes the stops), null between cells. */
    CellRun run() {
        return run;
    }

    void close() {
        try {
            socket.close();
        } catch (java.io.IOException ignored) {
            // already closed
        }
    }
}
