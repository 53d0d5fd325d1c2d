package threadbook.protocol;

import java.util.ArrayList;
import java.util.List;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The kernel's five ZeroMQ sockets, bound as the connection file says. Each socket is used by one
 * thread only (ZeroMQ sockets are not thread-safe): shell, control, heartbeat and the iopub publisher
 * each have their own; stdin is guarded by its user.
 */
public final class KernelSockets implements AutoCloseable {
    private final ZContext context = new ZContext(1);
    public final ZMQ.Socket shell;
    public final ZMQ.Socket control;
    public final ZMQ.Socket stdin;
    public final ZMQ.Socket iopub;
    public final ZMQ.Socket heartbeat;

    public KernelSockets(ConnectionInfo info) {
        shell = bind(SocketType.ROUTER, info, info.shellPort());
        control = bind(SocketType.ROUTER, info, info.controlPort());
        stdin = bind(SocketType.ROUTER, info, info.stdinPort());
        iopub = bind(SocketType.PUB, info, info.iopubPort());
        heartbeat = bind(SocketType.REP, info, info.hbPort());
    }

    private ZMQ.Socket bind(SocketType type, ConnectionInfo info, int port) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(1000);
        if (type == SocketType.ROUTER) {
            // A reply to a client that went away is dropped instead of blocking.
            socket.setRouterMandatory(false);
        }
        socket.bind(info.address(port));
        return socket;
    }

    /** All frames of the next message, or null if none arrived within {@code timeoutMillis}. */
    public static List<byte[]> receive(ZMQ.Socket socket, int timeoutMillis) {
        socket.setReceiveTimeOut(timeoutMillis);
        byte[] first = socket.recv(0);
        if (first == null) {
            return null;
        }
        List<byte[]> frames = new ArrayList<>();
        frames.add(first);
        while (socket.hasReceiveMore()) {
            frames.add(socket.recv(0));
        }
        return frames;
    }

    public static void send(ZMQ.Socket socket, List<byte[]> frames) {
        for (int i = 0; i < frames.size(); i++) {
            socket.send(frames.get(i), i < frames.size() - 1 ? ZMQ.SNDMORE : 0);
        }
    }

    /** The port a socket actually bound to (useful when the connection file said 0). */
    public static int port(ZMQ.Socket socket) {
        String endpoint = socket.getLastEndpoint();
        return Integer.parseInt(endpoint.substring(endpoint.lastIndexOf(':') + 1));
    }

    @Override
    public void close() {
        context.close();
    }
}
