package threadbook.debug;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.util.function.Consumer;

/**
 * The Debug Adapter Protocol's envelopes: responses to requests and events, numbered by one sequence as
 * DAP asks, and the two readers of a request's arguments. Used under the debugger's lock.
 */
final class Replies {
    private final Consumer<JsonObject> events;
    private int seq;

    /** {@code events} publishes a debug_event's content on iopub. */
    Replies(Consumer<JsonObject> events) {
        this.events = events;
    }

    void event(String name, JsonObject body) {
        JsonObject e = new JsonObject();
        e.addProperty("seq", ++seq);
        e.addProperty("type", "event");
        e.addProperty("event", name);
        e.add("body", body);
        events.accept(e);
    }

    JsonObject ok(JsonObject request, JsonObject body) {
        JsonObject r = response(request, true);
        r.add("body", body == null ? new JsonObject() : body);
        return r;
    }

    JsonObject fail(JsonObject request, String message) {
        JsonObject r = response(request, false);
        r.addProperty("message", message);
        return r;
    }

    /** A thread ran on: JupyterLab forgets a stopped thread by the id this event names. */
    void continued(int threadId, boolean all) {
        JsonObject body = new JsonObject();
        body.addProperty("threadId", threadId);
        body.addProperty("allThreadsContinued", all);
        event("continued", body);
    }

    private JsonObject response(JsonObject request, boolean success) {
        JsonObject r = new JsonObject();
        r.addProperty("seq", ++seq);
        r.addProperty("type", "response");
        r.addProperty("request_seq", integer(request, "seq", 0));
        r.addProperty("success", success);
        r.addProperty("command", string(request, "command"));
        return r;
    }

    static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }

    static int integer(JsonObject o, String name, int fallback) {
        JsonElement e = o.get(name);
        try {
            return e != null && e.isJsonPrimitive() ? e.getAsInt() : fallback;
        } catch (NumberFormatException ex) {
            return fallback;
        }
    }
}
