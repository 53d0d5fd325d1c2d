package threadbook.kernel;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.function.Consumer;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.WireCodec;

/**
 * The shell socket's one thread (ZeroMQ sockets are not thread-safe), as ipykernel 7's shell channel
 * thread: it takes every request off the socket at once and hands it to the shell that runs it (the main
 * shell, or a subshell named in the header), so that a subshell's request is not stuck behind a running
 * cell of the notebook; and it sends the replies every shell hands it, woken by a pipe beside the socket.
 */
final class ShellRouter {
    private static final Logger LOG = Logger.getLogger(ShellRouter.class.getName());

    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final Consumer<Message> route;
    private final ConcurrentLinkedQueue<List<byte[]>> outgoing = new ConcurrentLinkedQueue<>();
    private final Pipe wake;

    ShellRouter(ZMQ.Socket socket, WireCodec codec, Consumer<Message> route) {
        this.socket = socket;
        this.codec = codec;
        this.route = route;
        try {
            this.wake = Pipe.open();
            wake.source().configureBlocking(false);
            wake.sink().configureBlocking(false);
        } catch (IOException e) {
            throw new IllegalStateException("no pipe for the shell channel: " + e.getMessage(), e);
        }
    }

    /** Sends a reply from any thread: the router's thread writes it to the socket. */
    void send(List<byte[]> frames) {
        outgoing.add(frames);
        try {
            synchronized (wake) {
                wake.sink().write(ByteBuffer.wrap(new byte[] {1})); // a full pipe is a wake-up already pending
            }
        } catch (IOException e) {
            LOG.warning("could not wake the shell channel: " + e.getMessage());
        }
    }

    /** Serves the socket while {@code running} says so. */
    void serve(KernelSockets sockets, java.util.function.BooleanSupplier running) {
        ZMQ.Poller poller = sockets.poller(2);
        poller.register(socket, ZMQ.Poller.POLLIN);
        poller.register(wake.source(), ZMQ.Poller.POLLIN);
        ByteBuffer drain = ByteBuffer.allocate(256);
        try {
            while (running.getAsBoolean()) {
                try {
                    poller.poll(200);
                    if (poller.pollin(1)) {
                        while (wake.source().read(drain.clear()) > 0) {
                            // the queue below holds what the bytes announced
                        }
                    }
                    for (List<byte[]> frames = outgoing.poll(); frames != null; frames = outgoing.poll()) {
                        KernelSockets.send(socket, frames);
                    }
                    for (List<byte[]> frames = KernelSockets.receive(socket, 0); frames != null;
                            frames = KernelSockets.receive(socket, 0)) {
                        Message m = decode(frames);
                        if (m != null) {
                            route.accept(m);
                        }
                    }
                } catch (org.zeromq.ZMQException | IOException e) {
                    if (running.getAsBoolean()) {
                        LOG.warning("shell channel: " + e.getMessage());
                    }
                } catch (RuntimeException e) {
                    LOG.log(java.util.logging.Level.SEVERE, "a shell request could not be routed; the channel goes on", e);
                }
            }
        } finally {
            poller.close();
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
