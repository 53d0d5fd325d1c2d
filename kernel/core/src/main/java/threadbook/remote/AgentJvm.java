package threadbook.remote;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;
import java.util.function.Function;
import jdk.jshell.spi.ExecutionControlProvider;
import threadbook.agent.Event;
import threadbook.agent.ToAgent;

/**
 * The JVM that runs a session's cells, as the session sees it: JShell's engine for it, its event channel,
 * the subshells' connections, and the sockets and secret that only it can use.
 */
public final class AgentJvm implements AutoCloseable {
    private final byte[] secret;
    private final AgentSockets sockets;
    private final AgentEvents events;
    private final AgentExecutionControlProvider provider;
    private volatile AgentLanes lanes;

    /**
     * Prepares the launch (JShell starts the JVM through {@link #engine}): {@code events} receives everything
     * the agent sends, in order; {@code vmOptions} gives the JVM's options for the path of its event socket.
     */
    public AgentJvm(Consumer<Event> events, Function<Path, List<String>> vmOptions) throws IOException {
        // One secret per session proves the agent's connections are the agent's; it goes to the agent on
        // its stdin, never on a command line (every local user can read those).
        this.secret = LoopbackGate.newSecret();
        this.sockets = new AgentSockets();
        this.events = new AgentEvents(events, secret, sockets);
        this.provider = new AgentExecutionControlProvider(vmOptions.apply(this.events.path()), secret,
                this.events::agentStarted, sockets);
    }

    /** JShell's execution engine: launches the JVM when JShell asks for it. */
    public ExecutionControlProvider engine() {
        return provider;
    }

    /**
     * Waits until the JVM runs (the IOException says why it could not start), then opens the way for
     * subshells' connections; {@code evalLock} is held while JShell compiles and loads (see
     * LaneRouting.unlocked).
     */
    public void awaitLaunch(ReentrantLock evalLock) throws IOException {
        provider.awaitLaunch();
        AgentExecutionControl control = provider.control();
        lanes = new AgentLanes(sockets, secret, control.process());
        control.subshells(lanes, evalLock);
    }

    /** JShell's engine for the JVM; null before it was launched. */
    public AgentExecutionControl control() {
        return provider.control();
    }

    /** The subshells' connections; null before the launch. */
    public AgentLanes lanes() {
        return lanes;
    }

    /** Sends a message on the event channel; dropped if the JVM is gone. */
    public void send(ToAgent message) {
        events.send(message);
    }

    /** Ends the JVM and every process it started, and closes every channel to it. */
    @Override
    public void close() {
        AgentExecutionControl control = provider.control();
        if (control != null) {
            control.kill();
        }
        AgentLanes all = lanes;
        if (all != null) {
            all.closeAll();
        }
        events.close();
        sockets.close();
    }
}
