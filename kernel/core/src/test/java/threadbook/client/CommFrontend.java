package threadbook.client;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Predicate;
import threadbook.protocol.Message;

/**
 * The frontend's side of the comm protocol (Jupyter widgets 2.1) for the widget tests: sends comm messages on shell
 * as a widget manager does, with binary buffers, and keeps the iopub messages it sees so that a test can await the
 * one it expects in any order. Make one per test: each looks at its own messages only.
 */
public final class CommFrontend {
    static final Duration WAIT = Duration.ofSeconds(30);
    private final KernelClient client;
    private final List<Message> seen = new ArrayList<>();

    public CommFrontend(KernelClient client) {
        this.client = client;
    }

    /** Sends a comm message (comm_open, comm_msg, comm_close) with binary buffers; returns its msg_id. */
    public String send(String type, JsonObject content, List<byte[]> buffers) {
        Message m = client.message(type, content);
        Message withBuffers = new Message(m.identities(), m.header(), m.parentHeader(), m.metadata(), content, buffers);
        client.sendRaw(client.shell, client.encode(withBuffers));
        return m.id();
    }

    public String send(String type, JsonObject content) {
        return send(type, content, List.of());
    }

    /** A state change made in the frontend, as ipywidgets sends it; returns its msg_id. */
    public String update(String commId, String stateJson, List<byte[]> buffers, String bufferPathsJson) {
        JsonObject data = new JsonObject();
        data.addProperty("method", "update");
        data.add("state", JsonParser.parseString(stateJson));
        data.add("buffer_paths", JsonParser.parseString(bufferPathsJson));
        return send("comm_msg", content(commId, data), buffers);
    }

    public static JsonObject content(String commId, JsonObject data) {
        JsonObject c = new JsonObject();
        c.addProperty("comm_id", commId);
        c.add("data", data);
        return c;
    }

    /** Runs a cell, which must succeed, keeping its iopub messages (and those of others it passed) for {@link #await}. */
    public KernelClient.Execution run(String code) {
        KernelClient.Execution e = client.execute(code, WAIT);
        assertEquals("ok", e.status(), e.stdout() + e.stderr());
        keep(e.iopub());
        return e;
    }

    /** Keeps these iopub messages, and any the client set aside, for {@link #await}. */
    public void keep(List<Message> messages) {
        seen.addAll(messages);
        seen.addAll(client.iopubFor(Duration.ZERO));
    }

    /** The iopub messages kept and not yet taken by {@link #await}. */
    public List<Message> kept() {
        return Collections.unmodifiableList(seen);
    }

    /** Takes the first iopub message (kept before or arriving within the wait) that matches. */
    public Message await(String what, Predicate<Message> match) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < seen.size(); checked++) {
                if (match.test(seen.get(checked))) {
                    return seen.remove(checked);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + WAIT + "; saw " + KernelClient.types(seen)
                        + seen.stream().filter(m -> m.type().equals("comm_msg")).map(m -> m.content().toString()).toList());
            }
            Message m = client.receive(client.iopub, Duration.ofMillis(100));
            if (m != null) {
                seen.add(m);
            }
        }
    }

    public static JsonObject state(Message m) {
        return m.content().getAsJsonObject("data").getAsJsonObject("state");
    }

    public static boolean isCommMsg(Message m, String commId, String method) {
        return m.type().equals("comm_msg") && m.contentString("comm_id", "").equals(commId)
                && m.content().getAsJsonObject("data").get("method").getAsString().equals(method);
    }

    public static boolean isUpdate(Message m, String commId) {
        return isCommMsg(m, commId, "update");
    }

    /** A comm_open of a widget model of this name (IntSliderModel, OutputModel...). */
    public static boolean isOpenOf(Message m, String modelName) {
        return m.type().equals("comm_open") && state(m).has("_model_name")
                && state(m).get("_model_name").getAsString().equals(modelName);
    }
}
