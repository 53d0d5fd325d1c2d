package threadbook.jshell;

import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.nio.channels.SocketChannel;
import java.util.concurrent.CountDownLatch;
import jdk.jshell.execution.StreamingExecutionControl;
import threadbook.agent.link.CellTag;

/**
 * One subshell's command connection to the agent (see threadbook.agent.Lanes): JShell's commands of the
 * subshell's cells go here instead of to the main connection, whose agent thread may be running the
 * notebook's cell. Holds the subshell's own cell state, as AgentExecutionControl and JShellSession hold the
 * main shell's: which cell runs, whether an interrupt stopped it.
 */
final class AgentLane {
    /** The lane's place in the agent's Lanes arrays (read through JDI to stop its cell). */
    final int index;
    final StreamingExecutionControl control;
    private final SocketChannel socket;
    /** The cell whose runs this lane sends now; null between cells. */
    volatile CellTag cell;
    /** The token of the last run sent for the current cell, 0 if none. */
    volatile long lastToken;

    // Guarded by stopLock, as the main connection's are in AgentExecutionControl.
    final Object stopLock = new Object();
    boolean userCodeRunning;
    boolean stopPending;
    long stopThrownAt;
    /** The cell running on this lane, Long.MIN_VALUE between cells; the cell an interrupt stopped. */
    volatile long runningCell = Long.MIN_VALUE;
    volatile long stoppedCell = Long.MIN_VALUE;
    volatile CountDownLatch running = new CountDownLatch(0);

    AgentLane(int index, ObjectOutput out, ObjectInput in, SocketChannel socket) {
        this.index = index;
        this.control = new StreamingExecutionControl(out, in);
        this.socket = socket;
    }

    void close() {
        try {
            socket.close();
        } catch (java.io.IOException ignored) {
            // already closed
        }
    }
}
