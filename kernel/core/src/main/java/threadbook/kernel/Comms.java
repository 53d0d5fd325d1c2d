package threadbook.kernel;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongFunction;
import java.util.logging.Logger;
import threadbook.agent.CommMessage;
import threadbook.agent.Event;
import threadbook.agent.ToAgent;
import threadbook.jshell.Interpreter;
import threadbook.protocol.Message;

/**
 * Jupyter comms between the frontend and the notebook's Java (widgets are made of them). The kernel only
 * carries them: the Java session's JVM opens comms and answers them (threadbook.agent.Comms); the kernel
 * publishes what it sends on iopub, forwards what the frontend sends, and knows which comms are open for
 * comm_info_request.
 */
final class Comms {
    private static final Logger LOG = Logger.getLogger(Comms.class.getName());
    private static final int REMEMBERED_REQUESTS = 1_000;

    /** The Java session to forward to, waiting for it to start; null if it cannot. */
    interface SessionSource {
        Interpreter session();
    }

    private final IOPub iopub;
    private final SessionSource sessions;
    private final LongFunction<JsonObject> parentOfCell;
    /** Open comms, by id: their target name. */
    private final Map<String, String> open = new ConcurrentHashMap<>();
    private final AtomicLong tokens = new AtomicLong();
    /**
     * Hands the frontend's comm messages to the Java session in the order they came, on a thread of its own: a
     * widget manager opens its comms as soon as it connects, while the Java session may still be starting, and the
     * shell that took the message must not wait for that (a completion queued behind it would miss JupyterLab's
     * one-second limit for an answer).
     */
    private final java.util.concurrent.ExecutorService delivery = java.util.concurrent.Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "threadbook-comm-delivery");
        t.setDaemon(true);
        return t;
    });
    /** The headers of the frontend's comm messages the agent may still answer, by token. */
    private final Map<Long, JsonObject> requests = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, JsonObject> eldest) {
            return size() > REMEMBERED_REQUESTS;
        }
    };

    Comms(IOPub iopub, SessionSource sessions, LongFunction<JsonObject> parentOfCell) {
        this.iopub = iopub;
        this.sessions = sessions;
        this.parentOfCell = parentOfCell;
    }

    /** A comm message the Java session sends to the frontend. */
    void fromAgent(Event.Comm event) {
        CommMessage m = event.message();
        JsonObject parent;
        synchronized (requests) {
            parent = event.replyTo() != 0 ? requests.get(event.replyTo()) : null;
        }
        if (parent == null) {
            parent = parentOfCell.apply(event.cell());
        }
        JsonObject content = new JsonObject();
        content.addProperty("comm_id", m.commId());
        content.add("data", json(m.data()));
        String type;
        switch (m.kind()) {
            case OPEN -> {
                type = "comm_open";
                content.addProperty("target_name", m.target());
                open.put(m.commId(), m.target());
            }
            case CLOSE -> {
                type = "comm_close";
                open.remove(m.commId());
            }
            default -> type = "comm_msg";
        }
        JsonElement metadata = json(m.metadata());
        iopub.comm(type, parent, content, metadata.isJsonObject() ? metadata.getAsJsonObject() : new JsonObject(),
                m.buffers());
    }

    /** A comm_open, comm_msg or comm_close from the frontend: to the Java session, which answers it. */
    void fromFrontend(Message request) {
        String id = request.contentString("comm_id", "");
        if (id.isEmpty()) {
            throw new Message.BadRequestException("comm_id", "a comm's id", request.content().get("comm_id"));
        }
        JsonElement data = request.content().get("data");
        String dataText = data == null || data.isJsonNull() ? "{}" : data.toString();
        CommMessage m = switch (request.type()) {
            case "comm_open" -> {
                String target = request.contentString("target_name", "");
                open.put(id, target);
                yield CommMessage.open(id, target, dataText, request.metadata().toString(), request.buffers());
            }
            case "comm_close" -> {
                open.remove(id);
                yield CommMessage.close(id, dataText);
            }
            default -> CommMessage.msg(id, dataText, request.buffers());
        };
        long token = tokens.incrementAndGet();
        synchronized (requests) {
            requests.put(token, request.header());
        }
        delivery.execute(() -> {
            Interpreter session = sessions.session();
            if (session != null) {
                session.toAgent(new ToAgent.Comm(token, m));
            }
        });
    }

    /** The comm_info_reply's content: the open comms, of one target if the request names one. */
    JsonObject info(Message request) {
        String target = request.contentString("target_name", "");
        JsonObject comms = new JsonObject();
        open.forEach((id, name) -> {
            if (target.isEmpty() || target.equals(name)) {
                JsonObject c = new JsonObject();
                c.addProperty("target_name", name);
                comms.add(id, c);
            }
        });
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        content.add("comms", comms);
        return content;
    }

    /**
     * A new Java session started (after the last one ended): the comms of the last one have nobody on
     * this side any more, so the frontend is told they are closed.
     */
    void sessionStarted() {
        for (String id : List.copyOf(open.keySet())) {
            open.remove(id);
            JsonObject content = new JsonObject();
            content.addProperty("comm_id", id);
            content.add("data", new JsonObject());
            iopub.comm("comm_close", new JsonObject(), content, new JsonObject(), List.of());
        }
    }

    private static JsonElement json(String text) {
        try {
            return JsonParser.parseString(text.isEmpty() ? "{}" : text);
        } catch (JsonParseException e) {
            LOG.warning("a comm message's data is not JSON: " + e.getMessage());
            return new JsonObject();
        }
    }
}
