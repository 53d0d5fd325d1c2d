package threadbook.kernel;

import com.google.gson.JsonElement;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import threadbook.magic.MagicParser;
import threadbook.protocol.Message;

/**
 * The magics to run again when the frontend changes one of their widgets (%%compare --slider), by the
 * widget's model id, and which of the frontend's comm messages asks for a re-run.
 */
final class WidgetReruns {
    /** A magic's step, to run again with a widget's new value. */
    record Rerunnable(MagicParser.Step step, String label, String memo) {}

    /** A re-run the frontend asked for: what, with which value. */
    record Asked(Rerunnable what, long value) {}

    private final Map<String, Rerunnable> byWidget = new ConcurrentHashMap<>();

    void add(String modelId, Rerunnable what) {
        byWidget.put(modelId, what);
    }

    /**
     * The re-run a comm message from the frontend asks for: an update of a re-running widget's "value"
     * to a number; null for any other message. A comm_close forgets the widget's re-run.
     */
    Asked askedBy(Message request) {
        String commId = request.contentString("comm_id", "");
        if (request.type().equals("comm_close")) {
            byWidget.remove(commId);
            return null;
        }
        Rerunnable what = byWidget.get(commId);
        JsonElement data = request.content().get("data");
        if (what == null || !request.type().equals("comm_msg") || data == null || !data.isJsonObject()
                || !"update".equals(stringOr(data.getAsJsonObject().get("method")))) {
            return null;
        }
        JsonElement state = data.getAsJsonObject().get("state");
        JsonElement value = state != null && state.isJsonObject() ? state.getAsJsonObject().get("value") : null;
        if (value == null || !value.isJsonPrimitive() || !value.getAsJsonPrimitive().isNumber()) {
            return null;
        }
        return new Asked(what, value.getAsLong());
    }

    /** A new Java session: the widgets that started re-runs are gone with the last one. */
    void clear() {
        byWidget.clear();
    }

    private static String stringOr(JsonElement e) {
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }
}
