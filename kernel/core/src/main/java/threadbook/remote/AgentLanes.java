package threadbook.remote;

import com.sun.jdi.ClassType;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import threadbook.agent.UnixSockets;

/**
 * The subshells' connections to the agent, opened on a subshell's first cell (see threadbook.agent.Lanes).
 * Which one a JShell command takes is decided by the thread that sends it: a subshell's thread is bound
 * to its subshell ({@link #bind}) and everything it asks of JShell goes through that subshell's lane.
 */
public final class AgentLanes {
    /** The subshell the current thread serves; null on the main shell's threads. */
    private static final ThreadLocal<String> SUBSHELL = new ThreadLocal<>();
    private static final long OPEN_TIMEOUT_MILLIS = 20_000;

    private final AgentSockets sockets;
    private final byte[] secret;
    private final Process process;
    private final Map<String, AgentLane> lanes = new ConcurrentHashMap<>();
    private int opened;

    AgentLanes(AgentSockets sockets, byte[] secret, Process process) {
        this.sockets = sockets;
        this.secret = secret.clone();
        this.process = process;
    }

    public static void bind(String subshell) {
        SUBSHELL.set(subshell);
    }

    public static String bound() {
        return SUBSHELL.get();
    }

    /** The lane of the current thread's subshell, or null on the main shell. */
    public AgentLane current(VirtualMachine vm) throws IOException {
        String id = SUBSHELL.get();
        return id == null ? null : lane(id, vm);
    }

    /** The lanes running a cell now, but {@code except}. */
    public boolean othersRunning(AgentLane except) {
        return lanes.values().stream().anyMatch(l -> l != except && l.running());
    }

    public AgentLane existing(String id) {
        return lanes.get(id);
    }

    private synchronized AgentLane lane(String id, VirtualMachine vm) throws IOException {
        AgentLane lane = lanes.get(id);
        if (lane == null) {
            lane = open(vm);
            lanes.put(id, lane);
        }
        return lane;
    }

    /**
     * Asks the agent for one more connection through JDI (its command thread may be running a cell) and
     * waits for it, as the first one: the agent's own process, proving the session's secret.
     */
    private AgentLane open(VirtualMachine vm) throws IOException {
        int index = opened;
        ServerSocketChannel server = sockets.listen("lane-" + index);
        try {
            ClassType type = (ClassType) vm.classesByName("threadbook.agent.Lanes").get(0);
            type.setValue(type.fieldByName("request"), vm.mirrorOf(AgentSockets.path(server).toString()));
            ((ThreadReference) type.getValue(type.fieldByName("opener"))).interrupt();
        } catch (com.sun.jdi.InvalidTypeException | com.sun.jdi.ClassNotLoadedException | RuntimeException e) {
            server.close();
            throw new IOException("the Java process did not open a connection for the subshell: " + e, e);
        }
        SocketChannel socket = sockets.accept(server, secret, OPEN_TIMEOUT_MILLIS, process::isAlive, "subshell's connection");
        opened++;
        ObjectOutputStream out = new ObjectOutputStream(new BufferedOutputStream(UnixSockets.out(socket)));
        out.flush();
        ObjectInputStream in = new ObjectInputStream(new BufferedInputStream(UnixSockets.in(socket)));
        return new AgentLane(index, out, in, socket);
    }

    /** The subshell is gone: its connection closes, and the agent's thread for it ends. */
    public void close(String id) {
        AgentLane lane = lanes.remove(id);
        if (lane != null) {
            lane.close();
        }
    }

    void closeAll() {
        lanes.keySet().forEach(this::close);
    }
}
