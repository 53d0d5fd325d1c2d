package threadbook.protocol;

import java.util.ArrayList;
import java.util.List;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * The kernel's five ZeroMQ sockets, bound as the connection file says. Each socket is used by one
 * thread only (ZeroMQ sockets are not thread-safe): shell, control, heartbeat and the iopub publisher
 * each have their own; stdin is guarded by its user. Iopub is an XPUB (JEP 65): its publisher also reads
 * the subscriptions of new subscribers.
 */
public final class KernelSockets implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(KernelSockets.class.getName());
    /**
     * The largest frame a peer may send; a larger one disconnects it. A Jupyter request is a few kB (a
     * pasted cell of megabytes is the most); ipykernel sets no limit, but a limit is what stops three
     * connections announcing 2 GiB frames from exhausting memory.
     */
    public static final long MAX_FRAME_BYTES = 64L << 20;
    /** How many bytes of large frames (see {@link FrameAllocator}) may be in the kernel at once. */
    static final long LARGE_FRAME_BUDGET = 256L << 20;

    /**
     * One I/O thread: besides being enough, it makes JeroMQ start a connection's engine only after the
     * accept event that {@link OwnUserGate} checks the connection by.
     */
    private final ZContext context = new ZContext(1);
    /** See {@link #connect}. */
    static final int CLIENT_HANDSHAKE_MILLIS = 2_000;
    private final OwnUserGate gate;
    private final FrameAllocator allocator = new FrameAllocator(LARGE_FRAME_BUDGET);
    private volatile Throwable ioFailure;
    public final ZMQ.Socket shell;
    public final ZMQ.Socket control;
    public final ZMQ.Socket stdin;
    public final ZMQ.Socket iopub;
    public final ZMQ.Socket heartbeat;

    public KernelSockets(ConnectionInfo info) {
        // An exception inside ZeroMQ's I/O thread concerns one connection: one line, not a stack trace.
        context.setNotificationExceptionHandler((thread, e) ->
                LOG.warning("a connection failed in ZeroMQ's I/O thread: " + e));
        // The I/O thread itself ended: no channel can be served any more (see #serving).
        context.setUncaughtExceptionHandler((thread, e) -> {
            ioFailure = e;
            LOG.log(Level.SEVERE, "ZeroMQ's I/O thread ended; the kernel cannot serve any more", e);
        });
        // Before any port is bound, so that no connection gets in unchecked.
        gate = OwnUserGate.start(context);
        shell = bind(SocketType.ROUTER, info, info.shellPort());
        control = bind(SocketType.ROUTER, info, info.controlPort());
        stdin = bind(SocketType.ROUTER, info, info.stdinPort());
        iopub = bind(SocketType.XPUB, info, info.iopubPort());
        heartbeat = bind(SocketType.REP, info, info.hbPort());
    }

    private ZMQ.Socket bind(SocketType type, ConnectionInfo info, int port) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(1000);
        socket.setMaxMsgSize(MAX_FRAME_BYTES);
        socket.setMsgAllocator(allocator);
        if (type == SocketType.ROUTER) {
            // A reply to a client that went away is dropped instead of blocking.
            socket.setRouterMandatory(false);
        }
        if (type == SocketType.XPUB) {
            // Every subscriber's subscription is read (see IOPub), not only the first to a topic: each new one may
            // be a frontend waiting for the idle of a request answered before its subscription arrived. This
            // changes what the socket reports upwards, not what it publishes.
            socket.setXpubVerbose(true);
        }
        // Only iopub gives a stranger something to read. The others answer only requests signed with the key,
        // and only to their sender; checking their connections too would cost every new client a socket-table
        // read per port (5-30 ms each) before its first request is answered.
        if (gate != null && type == SocketType.XPUB) {
            gate.guard(socket);
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

    /** A poller of this context's sockets. */
    public ZMQ.Poller poller(int size) {
        return context.createPoller(size);
    }

    /** An in-process socket of this context, bound or connected to {@code address}. */
    public ZMQ.Socket inproc(SocketType type, String address, boolean bind) {
        ZMQ.Socket socket = context.createSocket(type);
        socket.setLinger(0);
        if (bind) {
            socket.bind(address);
        } else {
            socket.connect(address);
        }
        return socket;
    }

    /**
     * A new socket of {@code context} (a client's, not the kernel's) connected to {@code address} over TCP, with
     * {@code identity} as its routing id (null: ZeroMQ picks one).
     *
     * <p>JeroMQ 0.6.0 sometimes loses a new connection in the client's I/O thread: when the engine of the
     * connection registers its channel in the same round of the poller as the connecter's cancelled key, the
     * channel ends up with no key at all, and nothing is read or written until the handshake interval (30 s by
     * default) drops the connection and JeroMQ connects again. Measured: 2-5% of connections of a socket that
     * connects while no other socket of its context does (the kernel's own sockets only bind: they are not
     * affected). A short handshake interval makes that retry come after 2 s; a handshake on loopback takes about
     * a millisecond, and a connection dropped during its handshake has carried nothing yet.
     */
    public static ZMQ.Socket connect(ZContext context, SocketType type, String address, byte[] identity) {
        ZMQ.Socket socket = context.createSocket(type);
        if (identity != null) {
            socket.setIdentity(identity);
        }
        socket.setLinger(0);
        socket.setHandshakeIvl(CLIENT_HANDSHAKE_MILLIS);
        socket.connect(address);
        return socket;
    }

    /** False once the sockets can no longer carry messages (ZeroMQ's I/O thread ended). */
    public boolean serving() {
        return ioFailure == null;
    }

    /** True once {@link #close} was called: every socket of the kernel is closed. */
    public boolean closed() {
        return context.isClosed();
    }

    @Override
    public void close() {
        context.close();
    }
}
