package threadbook.kernel;

import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import threadbook.protocol.Message;

/**
 * What a new iopub subscriber is sent when its subscription arrives (JEP 65): an iopub_welcome, and the idle
 * of every kernel_info answered shortly before. A frontend's kernel_info is done only when both its reply and
 * its idle have arrived (JupyterLab's requestKernelInfo waits for both), and a new connection gets a
 * subscriber socket of its own: when the kernel answers at once, the idle can go out before that socket's
 * subscription reached the kernel, and a publisher drops what no subscriber takes yet. The Jupyter server
 * covers this race by "nudging" a new connection until iopub carries a message, but not when the kernel is
 * busy, which is exactly when JupyterLab opens a subshell console. Used by the iopub sender's thread only.
 */
final class Subscriptions {
    /**
     * How long after its idle a kernel_info's idle is published again for a new subscriber. The subscription
     * comes milliseconds after the frontend's request (the port gate's socket-table read took up to 41 ms at
     * load 4); seconds leave room for a loaded machine. Clients that saw the first idle ignore the second: its
     * request is done.
     */
    static final long RECENT_NANOS = TimeUnit.SECONDS.toNanos(10);
    /**
     * A bound against a client asking kernel_info in a loop; opening a notebook and a console asks about ten
     * (the server's nudges included). The oldest are let go first.
     */
    private static final int MOST_KEPT = 64;

    private record Answered(JsonObject parentHeader, long atNanos) {}

    private final Deque<Answered> recent = new ArrayDeque<>();
    private final String jupyterSession;
    private final LongSupplier clock;

    Subscriptions(String jupyterSession, LongSupplier clock) {
        this.jupyterSession = jupyterSession;
        this.clock = clock;
    }

    /** Notes a message just published: the idle of a kernel_info is kept for a while. */
    void published(Message m) {
        if (m.type().equals("status") && m.contentString("execution_state", "").equals("idle")
                && new JsonPrimitive("kernel_info_request").equals(m.parentHeader().get("msg_type"))) {
            recent.addLast(new Answered(m.parentHeader(), clock.getAsLong()));
            if (recent.size() > MOST_KEPT) {
                recent.removeFirst();
            }
        }
    }

    /**
     * What to publish for the frames the XPUB socket delivered ({@code \x01topic} for a subscription,
     * {@code \x00topic} for its end): a welcome per subscription, then, once, the recent kernel_info idles.
     * Empty if none of the frames is a subscription.
     */
    List<Message> welcome(List<byte[]> frames) {
        List<Message> out = new ArrayList<>();
        for (byte[] frame : frames) {
            if (frame.length > 0 && frame[0] == 1) {
                String topic = new String(frame, 1, frame.length - 1, StandardCharsets.UTF_8);
                JsonObject content = new JsonObject();
                content.addProperty("subscription", topic);
                // Under its topic, so that a subscriber to one topic gets the welcome to it.
                out.add(Message.create(jupyterSession, "iopub_welcome", null, content,
                        topic.isEmpty() ? List.of() : List.of(topic.getBytes(StandardCharsets.UTF_8))));
            }
        }
        if (out.isEmpty()) {
            return out;
        }
        long now = clock.getAsLong();
        recent.removeIf(a -> now - a.atNanos() > RECENT_NANOS);
        for (Answered a : recent) {
            JsonObject content = new JsonObject();
            content.addProperty("execution_state", "idle");
            out.add(IOPub.message(jupyterSession, "status", a.parentHeader(), content));
        }
        return out;
    }
}
