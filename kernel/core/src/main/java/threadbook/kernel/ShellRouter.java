package threadbook.kernel;

import java.util.List;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.zeromq.SocketType;
import org.zeromq.ZMQ;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.WireCodec;

/**
 * The shell socket's one thread (ZeroMQ sockets are not thread-safe), as ipykernel 7's shell channel
 * thread: it takes every request off the socket at once and hands it to the shell that runs it (the main
 * shell, or a subshell named in the header), so that a subshell's request is not stuck behind a running
 * cell of the notebook; and it sends the replies every shell hands it through an in-process socket, which
 * it polls beside the shell socket (a Java pipe in the same poll cost 2-3 ms per message in JeroMQ's poll).
 */
final class ShellRouter {
    private static final Logger LOG = Logger.getLogger(ShellRouter.class.getName());

    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final Consumer<Message> route;
    /** Replies from the shells' threads: one sender at a time (a ZeroMQ socket may change threads, not be shared). */
    private final ZMQ.Socket replies;
    private final ZMQ.Socket outgoing;

    ShellRouter(KernelSockets sockets, WireCodec codec, Consumer<Message> route) {
        this.socket = sockets.shell;
        this.codec = codec;
        this.route = route;
        String address = "inproc://threadbook-shell-replies";
        this.outgoing = sockets.inproc(SocketType.PULL, address, true);
        this.replies = sockets.inproc(SocketType.PUSH, address, false);
    }

    /** Sends a reply from any thread: the router's thread writes it to the socket. */
    void send(List<byte[]> frames) {
        synchronized (replies) {
            KernelSockets.send(replies, frames);
        }
    }

    /** Serves the socket while {@code running} says so, and until the sockets are closed. */
    void serve(KernelSockets sockets, java.util.function.BooleanSupplier running) {
        ZMQ.Poller poller = sockets.poller(2);
        poller.register(socket, ZMQ.Poller.POLLIN);
        poller.register(outgoing, ZMQ.Poller.POLLIN);
        try {
            while (running.getAsBoolean()) {
                try {
                    poller.poll(200);
                    sendReplies();
                    for (List<byte[]> frames = KernelSockets.receive(socket, 0); frames != null;
                            frames = KernelSockets.receive(socket, 0)) {
                        Message m = decode(frames);
                        if (m != null) {
                            route.accept(m);
                        }
                    }
                } catch (RuntimeException e) {
                    if (sockets.closed()) {
                        // Closed under this loop: every later poll would fail the same way at once.
                        LOG.fine("shell channel: the sockets were closed while it was served");
                        return;
                    }
                    if (e instanceof org.zeromq.ZMQException z) {
                        if (running.getAsBoolean()) {
                            LOG.warning("shell channel: " + z.getMessage());
                        }
                    } else {
                        LOG.log(java.util.logging.Level.SEVERE, "a shell request could not be routed; the channel goes on", e);
                    }
                }
            }
        } finally {
            poller.close();
        }
        // The last replies, above all shutdown_reply: its shell stops the kernel right after handing it over,
        // and this loop may see the stop before the reply.
        sendReplies();
    }

    private void sendReplies() {
        for (List<byte[]> frames = KernelSockets.receive(outgoing, 0); frames != null;
                frames = KernelSockets.receive(outgoing, 0)) {
            KernelSockets.send(socket, frames);
        }
    }

    private Message decode(List<byte[]> frames) {
        try {
            return codec.decode(frames);
        } catch (WireCodec.BadMessageException e) {
            LOG.warning("dropped a message: " + e.getMessage());
            return null;
        }
    }
}
