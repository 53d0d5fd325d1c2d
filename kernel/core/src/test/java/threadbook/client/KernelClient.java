package threadbook.client;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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

/** A small Jupyter client over real ZeroMQ sockets, for tests: what a frontend does, in Java. */
public final class KernelClient implements AutoCloseable {
    private final ZContext context = new ZContext();
    private final WireCodec codec;
    private final Signer signer;
    public final ZMQ.Socket shell;
    public final ZMQ.Socket control;
    public final ZMQ.Socket stdin;
    public final ZMQ.Socket iopub;
    public final ZMQ.Socket heartbeat;
    private final String session = UUID.randomUUID().toString();
    private final List<Message> iopubBacklog = new ArrayList<>();

    KernelClient(JsonObject c) {
        signer = new Signer(c.get("key").getAsString());
        codec = new WireCodec(signer);
        String ip = "tcp://" + c.get("ip").getAsString() + ":";
        byte[] identity = UUID.randomUUID().toString().getBytes(StandardCharsets.US_ASCII);
        shell = connect(SocketType.DEALER, ip + c.get("shell_port").getAsInt(), identity);
        control = connect(SocketType.DEALER, ip + c.get("control_port").getAsInt(), identity);
        stdin = connect(SocketType.DEALER, ip + c.get("stdin_port").getAsInt(), identity);
        iopub = connect(SocketType.SUB, ip + c.get("iopub_port").getAsInt(), null);
        iopub.subscribe(new byte[0]);
        heartbeat = connect(SocketType.REQ, ip + c.get("hb_port").getAsInt(), null);
    }

    private ZMQ.Socket connect(SocketType type, String address, byte[] identity) {
        return KernelSockets.connect(context, type, address, identity);
    }

    public Message message(String type, JsonObject content) {
        return Message.create(session, type, null, content, List.of());
    }

    /** Sends a request; returns its msg_id. */
    public String send(ZMQ.Socket socket, String type, JsonObject content) {
        Message m = message(type, content);
        KernelSockets.send(socket, codec.encode(m));
        return m.id();
    }

    /** Sends raw frames (for malformed and mis-signed messages). */
    public void sendRaw(ZMQ.Socket socket, List<byte[]> frames) {
        KernelSockets.send(socket, frames);
    }

    public List<byte[]> encode(Message m) {
        return codec.encode(m);
    }

    public Message receive(ZMQ.Socket socket, Duration timeout) {
        List<byte[]> frames = KernelSockets.receive(socket, (int) timeout.toMillis());
        if (frames == null) {
            return null;
        }
        try {
            return codec.decode(frames);
        } catch (WireCodec.BadMessageException e) {
            throw new AssertionError("the kernel sent a bad message: " + e.getMessage());
        }
    }

    /** The reply to {@code msgId} on {@code socket}, skipping others; fails after the timeout. */
    public Message reply(ZMQ.Socket socket, String msgId, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = receive(socket, Duration.ofMillis(Math.max(1, (deadline - System.nanoTime()) / 1_000_000)));
            if (m != null && parentId(m).equals(msgId)) {
                return m;
            }
        }
        throw new AssertionError("no reply to " + msgId + " within " + timeout);
    }

    /** The replies to several requests, in whatever order they come. */
    public java.util.Map<String, Message> replies(ZMQ.Socket socket, List<String> msgIds, Duration timeout) {
        java.util.Map<String, Message> found = new java.util.HashMap<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (found.size() < msgIds.size() && System.nanoTime() < deadline) {
            Message m = receive(socket, Duration.ofMillis(100));
            if (m != null && msgIds.contains(parentId(m))) {
                found.put(parentId(m), m);
            }
        }
        if (found.size() < msgIds.size()) {
            throw new AssertionError("replies missing after " + timeout + ": got " + found.keySet() + " of " + msgIds);
        }
        return found;
    }

    /** iopub messages whose parent is {@code msgId}, up to and including its status idle. */
    public List<Message> iopubUntilIdle(String msgId, Duration timeout) {
        List<Message> result = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = nextIopub(Duration.ofMillis(100));
            if (m == null || !parentId(m).equals(msgId)) {
                if (m != null) {
                    iopubBacklog.add(m);
                }
                continue;
            }
            result.add(m);
            if (m.type().equals("status") && m.contentString("execution_state", "").equals("idle")) {
                return result;
            }
        }
        throw new AssertionError("no idle status for " + msgId + " within " + timeout + "; got " + types(result));
    }

    /** Every iopub message that arrives within {@code window}, including any set aside before. */
    public List<Message> iopubFor(Duration window) {
        List<Message> result = new ArrayList<>(iopubBacklog);
        iopubBacklog.clear();
        long deadline = System.nanoTime() + window.toNanos();
        while (System.nanoTime() < deadline) {
            Message m = nextIopub(Duration.ofMillis(50));
            if (m != null) {
                result.add(m);
            }
        }
        return result;
    }

    private Message nextIopub(Duration timeout) {
        return receive(iopub, timeout);
    }

    /** Waits until iopub is connected (the kernel publishes nothing a late subscriber would miss after). */
    public void awaitReady(Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            String id = send(shell, "kernel_info_request", new JsonObject());
            Message reply = null;
            try {
                reply = reply(shell, id, Duration.ofSeconds(2));
            } catch (AssertionError notYet) {
                continue;
            }
            if (reply != null) {
                // kernel_info also produces busy/idle on iopub: once we see them, the subscription works.
                try {
                    iopubUntilIdle(id, Duration.ofSeconds(1));
                    return;
                } catch (AssertionError noIopubYet) {
                    // subscription not yet up; ask again
                }
            }
        }
        throw new AssertionError("the kernel did not become ready within " + timeout);
    }

    /** What an execute request produced. */
    public record Execution(Message reply, List<Message> iopub) {
        public String stdout() {
            return stream("stdout");
        }

        public String stderr() {
            return stream("stderr");
        }

        public String stream(String name) {
            StringBuilder sb = new StringBuilder();
            for (Message m : iopub) {
                if (m.type().equals("stream") && m.contentString("name", "").equals(name)) {
                    sb.append(m.contentString("text", ""));
                }
            }
            return sb.toString();
        }

        public String status() {
            return reply.contentString("status", "");
        }

        public String result() {
            for (Message m : iopub) {
                if (m.type().equals("execute_result")) {
                    return m.content().getAsJsonObject("data").get("text/plain").getAsString();
                }
            }
            return null;
        }

        public Message error() {
            for (Message m : iopub) {
                if (m.type().equals("error")) {
                    return m;
                }
            }
            return null;
        }

        public List<Message> ofType(String type) {
            return iopub.stream().filter(m -> m.type().equals(type)).toList();
        }
    }

    public String executeAsync(String code) {
        return send(shell, "execute_request", executeContent(code, false));
    }

    /** The content of an execute_request as a notebook sends it, with or without an input box for System.in. */
    public static JsonObject executeContent(String code, boolean allowStdin) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        content.addProperty("silent", false);
        content.addProperty("store_history", true);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", allowStdin);
        content.addProperty("stop_on_error", true);
        return content;
    }

    public Execution execute(String code, Duration timeout) {
        String id = executeAsync(code);
        Message reply = reply(shell, id, timeout);
        return new Execution(reply, iopubUntilIdle(id, Duration.ofSeconds(10)));
    }

    public Execution execute(String code) {
        return execute(code, Duration.ofSeconds(60));
    }

    public static String parentId(Message m) {
        return m.parentHeader().has("msg_id") ? m.parentHeader().get("msg_id").getAsString() : "";
    }

    public static List<String> types(List<Message> messages) {
        return messages.stream().map(Message::type).toList();
    }

    @Override
    public void close() {
        context.close();
    }
}
