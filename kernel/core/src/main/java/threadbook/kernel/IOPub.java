package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import org.zeromq.ZMQException;
import threadbook.jshell.CellResult;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.WireCodec;

/**
 * Publishes on the iopub socket, in the protocol's words: one method per message the kernel sends there
 * (status, execute_input, stream, display_data, execute_result, error, clear_output...), so that each
 * content is built in one place. Any thread may publish; one thread sends, in the order published, so
 * the socket is used by one thread only and output never overtakes the status that precedes it. That
 * thread also reads the socket's new subscriptions (an XPUB's) and welcomes them (see Subscriptions).
 */
final class IOPub {
    private static final Logger LOG = Logger.getLogger(IOPub.class.getName());
    private static final Message STOP = Message.create("", "", null, new JsonObject(), List.of());
    /** How long a reply waits at most for the messages published before it (see {@link #awaitSent}). */
    private static final long SENT_WAIT_MILLIS = 5_000;
    /**
     * How soon a new subscriber is welcomed while nothing else is published. Each look wakes the thread of
     * an idle kernel, and a course server runs many: every 20 ms cost an idle kernel 0.004 of a core more
     * (0.024 against 0.020); a new subscriber waits this long at most, once.
     */
    private static final long SUBSCRIPTION_CHECK_MILLIS = 100;

    /** Messages to send, the stop, and barriers: what the sender counts down when it reaches one. */
    private final BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    private final WireCodec codec;
    /** The kernel's Jupyter session id, in the header of every message it sends. */
    private final String jupyterSession;
    private final Thread sender;
    private final Subscriptions subscriptions;

    IOPub(ZMQ.Socket socket, WireCodec codec, String jupyterSession) {
        this.codec = codec;
        this.jupyterSession = jupyterSession;
        this.subscriptions = new Subscriptions(jupyterSession, System::nanoTime);
        this.sender = new Thread(() -> run(socket), "threadbook-iopub");
        sender.setDaemon(true);
        sender.start();
    }

    private void publish(String type, JsonObject parentHeader, JsonObject content) {
        queue.add(message(jupyterSession, type, parentHeader, content));
    }

    /** A message of the kernel's on iopub, under ipykernel's topic ("kernel.SESSION.TYPE"). */
    static Message message(String jupyterSession, String type, JsonObject parentHeader, JsonObject content) {
        return Message.create(jupyterSession, type, parentHeader, content,
                List.of(("kernel." + jupyterSession + "." + type).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    /** "starting", "busy" or "idle". */
    void status(String state, JsonObject parentHeader) {
        JsonObject content = new JsonObject();
        content.addProperty("execution_state", state);
        publish("status", parentHeader, content);
    }

    void executeInput(JsonObject parentHeader, String code, int executionCount) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        content.addProperty("execution_count", executionCount);
        publish("execute_input", parentHeader, content);
    }

    /** Text on "stdout" or "stderr". */
    void stream(JsonObject parentHeader, String name, String text) {
        JsonObject content = new JsonObject();
        content.addProperty("name", name);
        content.addProperty("text", text);
        publish("stream", parentHeader, content);
    }

    /**
     * A display_data, or with {@code update} an update_display_data of the output shown with
     * {@code displayId} ("" when it has none).
     */
    void displayData(JsonObject parentHeader, JsonObject data, JsonObject metadata, String displayId, boolean update) {
        JsonObject content = new JsonObject();
        content.add("data", data);
        content.add("metadata", metadata);
        JsonObject transientPart = new JsonObject();
        if (!displayId.isEmpty()) {
            transientPart.addProperty("display_id", displayId);
        }
        content.add("transient", transientPart);
        publish(update ? "update_display_data" : "display_data", parentHeader, content);
    }

    void executeResult(JsonObject parentHeader, int executionCount, JsonObject data) {
        JsonObject content = new JsonObject();
        content.addProperty("execution_count", executionCount);
        content.add("data", data);
        content.add("metadata", new JsonObject());
        publish("execute_result", parentHeader, content);
    }

    /** A failed cell's error output. */
    void error(JsonObject parentHeader, CellResult result) {
        publish("error", parentHeader, errorContent(result));
    }

    void clearOutput(JsonObject parentHeader, boolean waitForNext) {
        JsonObject content = new JsonObject();
        content.addProperty("wait", waitForNext);
        publish("clear_output", parentHeader, content);
    }

    /** A comm_open, comm_msg or comm_close, with the message's metadata and binary buffers. */
    void comm(String type, JsonObject parentHeader, JsonObject content, JsonObject metadata, List<byte[]> buffers) {
        Message m = Message.create(jupyterSession, type, parentHeader, content,
                List.of(("comm-" + content.get("comm_id").getAsString()).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        queue.add(new Message(m.identities(), m.header(), m.parentHeader(), metadata, content, buffers));
    }

    /** A debug_event (the debugger's stopped, continued, thread... events): no request is its parent. */
    void debugEvent(JsonObject event) {
        publish("debug_event", null, event);
    }

    /** The shutdown_reply, also on iopub so that every client learns of the shutdown. */
    void shutdownReply(JsonObject parentHeader, JsonObject content) {
        publish("shutdown_reply", parentHeader, content);
    }

    /**
     * ename, evalue and traceback of a failed cell: the error message's content, and the error part of an
     * execute_reply and of a user expression's result.
     */
    static JsonObject errorContent(CellResult result) {
        JsonObject content = new JsonObject();
        content.addProperty("ename", result.ename());
        content.addProperty("evalue", result.evalue());
        JsonArray traceback = new JsonArray();
        result.traceback().forEach(traceback::add);
        content.add("traceback", traceback);
        return content;
    }

    /**
     * Waits until every message published before this call has been handed to the socket (for a few seconds
     * at most). A reply sent after it does not overtake the busy status, the input and the outputs of its
     * request: a client that has the reply finds them already sent, as with ipykernel, which flushes its
     * output streams before it replies. Without it the reply could come first on a loaded machine, and a
     * client that waits briefly for what follows (jupyter_kernel_test waits 0.1 s per message) missed them.
     */
    void awaitSent() {
        if (Thread.currentThread() == sender || !sender.isAlive()) {
            return;
        }
        CountDownLatch sent = new CountDownLatch(1);
        queue.add(sent);
        try {
            if (!sent.await(SENT_WAIT_MILLIS, TimeUnit.MILLISECONDS)) {
                LOG.fine("a reply went out before the iopub messages published before it");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
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
                // Not a blocking take: a subscription arriving while nothing is published is welcomed too.
                Object next = queue.poll(SUBSCRIPTION_CHECK_MILLIS, TimeUnit.MILLISECONDS);
                welcome(socket);
                if (next == STOP) {
                    return;
                }
                if (next instanceof CountDownLatch sent) {
                    sent.countDown();
                } else if (next instanceof Message m) {
                    send(socket, m);
                }
            } catch (InterruptedException e) {
                return;
            } catch (ZMQException e) {
                if (e.getErrorCode() == ZMQ.Error.ETERM.getCode()) {
                    return; // the kernel's sockets are closed
                }
                LOG.log(Level.WARNING, "could not publish a message", e);
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "could not publish a message", e);
            }
        }
    }

    private void send(ZMQ.Socket socket, Message m) {
        KernelSockets.send(socket, codec.encode(m));
        subscriptions.published(m);
    }

    /** Publishes what the subscriptions that arrived since the last look call for. */
    private void welcome(ZMQ.Socket socket) {
        List<byte[]> frames = new java.util.ArrayList<>();
        for (byte[] f = socket.recv(ZMQ.DONTWAIT); f != null; f = socket.recv(ZMQ.DONTWAIT)) {
            frames.add(f);
        }
        if (!frames.isEmpty()) {
            for (Message m : subscriptions.welcome(frames)) {
                KernelSockets.send(socket, codec.encode(m));
            }
        }
    }
}
