package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

/**
 * A real {@link IOPub} sending over a real in-process ZeroMQ pair, and the other end that reads what it
 * sent, signed and encoded as a client gets it. (A PAIR, not PUB/SUB: a subscriber that joins late
 * would miss the first messages, and a test must see every one.)
 */
final class IOPubCapture implements AutoCloseable {
    static final String KEY = "a-test-key";
    static final String JUPYTER_SESSION = "test-jupyter-session";

    private final ZContext context = new ZContext();
    private final ZMQ.Socket receiver = context.createSocket(SocketType.PAIR);
    private final WireCodec codec = new WireCodec(new Signer(KEY));
    final IOPub iopub;

    IOPubCapture() {
        String address = "inproc://iopub-" + UUID.randomUUID();
        receiver.bind(address);
        ZMQ.Socket sender = context.createSocket(SocketType.PAIR);
        sender.connect(address);
        iopub = new IOPub(sender, new WireCodec(new Signer(KEY)), JUPYTER_SESSION);
    }

    /** The next message published, waiting up to 30 s (the machine may be loaded). */
    Message next() {
        List<byte[]> frames = KernelSockets.receive(receiver, 30_000);
        assertNotNull(frames, "nothing was published within 30 s");
        try {
            return codec.decode(frames);
        } catch (WireCodec.BadMessageException e) {
            throw new AssertionError("iopub sent a message a client cannot read: " + e.getMessage(), e);
        }
    }

    /** The messages published up to and including the next one of this type. */
    List<Message> until(String type) {
        List<Message> seen = new ArrayList<>();
        Message m;
        do {
            m = next();
            seen.add(m);
        } while (!m.type().equals(type));
        return seen;
    }

    /** Whatever arrives within {@code millis}; for checking that nothing more was published. */
    List<Message> drain(int millis) {
        List<Message> seen = new ArrayList<>();
        List<byte[]> frames;
        while ((frames = KernelSockets.receive(receiver, millis)) != null) {
            try {
                seen.add(codec.decode(frames));
            } catch (WireCodec.BadMessageException e) {
                throw new AssertionError(e);
            }
        }
        return seen;
    }

    @Override
    public void close() {
        iopub.close();
        context.close();
    }
}
