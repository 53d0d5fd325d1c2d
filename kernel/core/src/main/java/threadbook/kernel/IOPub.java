package threadbook.kernel;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.WireCodec;

/**
 * Publishes on the iopub socket. Any thread may publish; one thread sends, in the order published, so
 * the PUB socket is used by one thread only and output never overtakes the status that precedes it.
 */
final class IOPub {
    private static final Logger LOG = Logger.getLogger(IOPub.class.getName());
    private static final Message STOP = Message.create("", "", null, new JsonObject(), List.of());

    private final BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
    private final WireCodec codec;
    private final String session;
    private final Thread sender;

    IOPub(ZMQ.Socket socket, WireCodec codec, String session) {
        this.codec = codec;
        this.session = session;
        this.sender = new Thread(() -> run(socket), "threadbook-iopub");
        sender.setDaemon(true);
        sender.start();
    }

    void publish(String type, JsonObject parentHeader, JsonObject content) {
        queue.add(Message.create(session, type, parentHeader, content,
                List.of(("kernel." + session + "." + type).getBytes(java.nio.charset.StandardCharsets.UTF_8))));
    }

    void status(String state, JsonObject parentHeader) {
        JsonObject content = new JsonObject();
        content.addProperty("execution_state", state);
        publish("status", parentHeader, content);
    }

    /** Sends what is queued, then stops the sender. */
    void close() {
        queue.add(STOP);
        try {
            sender.join(2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void run(ZMQ.Socket socket) {
        while (true) {
            try {
                Message m = queue.take();
                if (m == STOP) {
                    return;
                }
                KernelSockets.send(socket, codec.encode(m));
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not publish a message", e);
            }
        }
    }
}
