package threadbook.protocol;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;

/**
 * Lets only the kernel's own user (and root) connect to the ZeroMQ sockets it {@linkplain #guard guards}
 * (iopub). Any local user can connect to a loopback port, and a subscriber to iopub needs no key: without
 * this gate another user would read every cell's code and output.
 *
 * <p>JeroMQ holds each new connection's handshake until a ZAP handler (RFC 27) answers for it, and no
 * message flows before the handshake is done. A ZAP request names no connection, so the gate learns the
 * connections another way: JeroMQ calls {@link #guard}'s event hook in its I/O thread when it accepts a
 * connection, before that connection's engine has read or written a byte (with one I/O thread, the
 * engine is started only after the hook returns). Before answering any ZAP request the gate checks every
 * connection accepted so far: a peer of another uid (looked up by the whole tuple in Linux's socket table)
 * has its socket shut at once, so its handshake can never complete. The lookups run on the gate's thread,
 * not in the I/O thread, so a slow table holds up no message of the connections already in.
 *
 * <p>The ZAP domain also makes JeroMQ refuse peers speaking ZMTP 1.0 or 2.0 (libzmq before 4.0), whose
 * handshake has no step that would wait for the gate.
 *
 * <p>Peers on other machines (a connection file whose ip is not a loopback one) cannot be looked up and
 * are let in; without a socket table (not Linux) the gate is not installed and everyone is let in.
 */
final class OwnUserGate {
    private static final Logger LOG = Logger.getLogger(OwnUserGate.class.getName());
    /** Where a ZAP handler listens (RFC 27); a socket with a ZAP domain asks there. */
    private static final String ZAP_ENDPOINT = "inproc://zeromq.zap.01";
    /** How long to wait for the accept event that precedes a ZAP request (it never lags, see {@link #vet}). */
    private static final long ACCEPT_WAIT_NANOS = 2_000_000_000L;

    private final int ownUid;
    private final ConcurrentLinkedQueue<SocketChannel> accepted = new ConcurrentLinkedQueue<>();
    private final AtomicLong acceptedCount = new AtomicLong();
    private final Set<Integer> warned = new HashSet<>();
    private long requests;

    private OwnUserGate(int ownUid) {
        this.ownUid = ownUid;
    }

    /**
     * Starts the gate in {@code context} (before any guarded socket is bound), or returns null where there
     * is no socket table to read.
     */
    static OwnUserGate start(ZContext context) {
        if (!SocketOwners.available()) {
            LOG.info("no socket table (/proc/net/tcp): the kernel's ports take connections from every local user");
            return null;
        }
        int uid;
        try {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        } catch (IOException | UnsupportedOperationException e) {
            LOG.warning("cannot tell the kernel's own uid (" + e + "): its ports take connections from every local user");
            return null;
        }
        OwnUserGate gate = new OwnUserGate(uid);
        // Not one of the ZContext's sockets: ZContext.close() would close it from another thread while the
        // gate's thread waits on it. Terminating the context ends that wait instead (see #serve). A ROUTER
        // rather than RFC 27's REP: it has no send/receive order that a failure could leave it stuck in.
        ZMQ.Socket zap = context.getContext().socket(SocketType.ROUTER);
        zap.bind(ZAP_ENDPOINT);
        Thread thread = new Thread(() -> gate.serve(zap), "threadbook-port-gate");
        thread.setDaemon(true);
        thread.start();
        return gate;
    }

    /** Puts {@code socket}'s connections through the gate; to be called before the socket is bound. */
    void guard(ZMQ.Socket socket) {
        socket.setZAPDomain("threadbook");
        socket.base().setEventHook(event -> {
            // In ZeroMQ's I/O thread: only hand the connection over, the lookup is the gate thread's.
            if (event.arg instanceof SocketChannel channel) {
                accepted.add(channel);
                acceptedCount.incrementAndGet();
            }
        }, zmq.ZMQ.ZMQ_EVENT_ACCEPTED);
    }

    private void serve(ZMQ.Socket zap) {
        while (true) {
            try {
                answer(zap, waiting(zap));
            } catch (ZMQException e) {
                if (e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
                    zap.close(); // the kernel is ending
                    return;
                }
                // Never closed otherwise: JeroMQ skips ZAP when no handler is bound, letting everyone in.
                LOG.warning("the kernel's port gate: " + e);
            }
        }
    }

    /**
     * Every request waiting, after blocking for the first. One check answers them all: a flood of a stranger's
     * connections then costs one table read per round, and never queues the user's own behind a read each.
     */
    private static List<List<byte[]>> waiting(ZMQ.Socket zap) {
        List<List<byte[]>> pending = new ArrayList<>();
        for (List<byte[]> r = KernelSockets.receive(zap, -1); r != null; r = KernelSockets.receive(zap, 0)) {
            // A ROUTER's request: the asker's routing id, the delimiter, then RFC 27's frames.
            if (r.size() >= 4) {
                pending.add(r);
            }
        }
        return pending;
    }

    private void answer(ZMQ.Socket zap, List<List<byte[]>> pending) {
        requests += pending.size();
        String status;
        try {
            // A stranger's connection is shut when this returns, and its handshake fails at its next write:
            // "200" lets only the others through.
            status = vet() ? "200" : "400";
        } catch (RuntimeException e) {
            LOG.warning("the kernel's port gate failed, refused " + pending.size() + " connection(s): " + e);
            status = "400";
        }
        for (List<byte[]> request : pending) {
            zap.send(request.get(0), ZMQ.SNDMORE);
            zap.send(new byte[0], ZMQ.SNDMORE);
            zap.send("1.0", ZMQ.SNDMORE);
            zap.send(request.get(3), ZMQ.SNDMORE);
            zap.send(status, ZMQ.SNDMORE);
            zap.send(status.equals("200") ? "OK" : "refused", ZMQ.SNDMORE);
            zap.send("", ZMQ.SNDMORE);
            zap.send(new byte[0], 0);
        }
    }

    /**
     * Checks every connection accepted so far, and shuts those of other users. False if the connection of
     * the request being answered cannot have been among them.
     */
    private boolean vet() {
        // Each connection is accepted (the hook) before its engine sends its only ZAP request, so this many
        // requests mean at least this many accepted connections. With one I/O thread the hook has always run
        // already; the wait is there so that more I/O threads could not let a connection through unchecked.
        long deadline = System.nanoTime() + ACCEPT_WAIT_NANOS;
        while (acceptedCount.get() < requests) {
            if (System.nanoTime() > deadline) {
                LOG.warning("the kernel's port gate had more requests than accepted connections; refused them");
                requests = acceptedCount.get();
                return false;
            }
            Thread.onSpinWait();
        }
        Map<SocketChannel, SocketOwners.Connection> batch = new LinkedHashMap<>();
        for (SocketChannel channel = accepted.poll(); channel != null; channel = accepted.poll()) {
            try {
                batch.put(channel, new SocketOwners.Connection((InetSocketAddress) channel.getLocalAddress(),
                        (InetSocketAddress) channel.getRemoteAddress()));
            } catch (IOException | RuntimeException closed) {
                shut(channel); // the connection went away already
            }
        }
        if (batch.isEmpty()) {
            return true;
        }
        long start = System.nanoTime();
        Map<SocketOwners.Connection, Integer> owners;
        try {
            owners = SocketOwners.owners(batch.values());
        } catch (IOException | RuntimeException e) {
            // Refused for now: Jupyter's clients connect again at once, and are let in when the table reads.
            LOG.warning("could not read the socket table, refused " + batch.size() + " connection(s): " + e);
            batch.keySet().forEach(OwnUserGate::shut);
            return true;
        }
        int refused = 0;
        for (Map.Entry<SocketChannel, SocketOwners.Connection> e : batch.entrySet()) {
            SocketOwners.Connection connection = e.getValue();
            Integer uid = owners.get(connection);
            if (uid == null ? isLocal(connection.remote().getAddress()) : uid != ownUid && uid != 0) {
                shut(e.getKey());
                refused++;
                if (uid != null && warned.add(uid)) {
                    LOG.warning("refused a connection to port " + connection.local().getPort() + " from another user"
                            + " (uid " + uid + "): only the kernel's own user may connect there");
                }
            }
        }
        long millis = (System.nanoTime() - start) / 1_000_000;
        int count = refused;
        LOG.fine(() -> "checked " + batch.size() + " connection(s) in " + millis + " ms, refused " + count);
        return true;
    }

    /** True if {@code address} is this machine's (then its socket must be in the table, or it has closed). */
    private static boolean isLocal(InetAddress address) {
        try {
            return address.isLoopbackAddress() || address.isAnyLocalAddress()
                    || NetworkInterface.getByInetAddress(address) != null;
        } catch (SocketException e) {
            return true;
        }
    }

    /**
     * Ends a connection without closing its channel, which belongs to ZeroMQ's I/O thread (closing it here
     * could cancel the channel's selection key under that thread): no byte can be written to it any more,
     * and its engine reads the end of the stream and closes it.
     */
    private static void shut(SocketChannel channel) {
        try {
            channel.shutdownOutput();
        } catch (IOException | RuntimeException ignored) {
            // closed already
        }
        try {
            channel.shutdownInput();
        } catch (IOException | RuntimeException ignored) {
            // closed already
        }
    }
}
