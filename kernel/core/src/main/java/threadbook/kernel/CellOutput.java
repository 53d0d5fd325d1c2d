package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import threadbook.agent.Event;

/**
 * Turns what the agent sends into iopub messages, each with the header of the request whose cell the
 * output belongs to, also long after that cell ended: frontends route output by that header.
 */
final class CellOutput {
    private static final int REMEMBERED_CELLS = 10_000;

    private final IOPub iopub;
    private final Map<Long, List<String>> pages = new ConcurrentHashMap<>();
    private final Map<Long, JsonObject> parents = new LinkedHashMap<>() {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Long, JsonObject> eldest) {
            return size() > REMEMBERED_CELLS;
        }
    };
    private volatile long latestCell = Event.NO_CELL;

    CellOutput(IOPub iopub) {
        this.iopub = iopub;
    }

    /** From now on, output of {@code cell} goes under the request with this header. */
    synchronized void register(long cell, JsonObject parentHeader) {
        parents.put(cell, parentHeader);
        latestCell = cell;
    }

    synchronized JsonObject parentOf(long cell) {
        JsonObject parent = parents.get(cell);
        if (parent == null) {
            parent = parents.get(latestCell);
        }
        return parent == null ? new JsonObject() : parent;
    }

    /** Text for the pager that the cell asked for; taken once, for the cell's reply. */
    List<String> takePages(long cell) {
        List<String> taken = pages.remove(cell);
        return taken == null ? List.of() : taken;
    }

    void accept(Event event) {
        if (event instanceof Event.Stream s) {
            stream(s.cell(), s.streamName(), new String(s.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        } else if (event instanceof Event.Display d) {
            JsonObject data = new JsonObject();
            for (String[] entry : d.bundle()) {
                putData(data, entry[0], entry[1]);
            }
            iopub.displayData(parentOf(d.cell()), data, new JsonObject(), d.displayId(), d.update());
        } else if (event instanceof Event.ClearOutput c) {
            iopub.clearOutput(parentOf(c.cell()), c.waitForNext());
        } else if (event instanceof Event.Page p) {
            pages.computeIfAbsent(p.cell(), k -> new ArrayList<>()).add(p.text());
        }
    }

    /** Publishes a display_data under a cell: a bundle and its metadata (per MIME type, numbers only). */
    void display(long cell, Map<String, String> bundle, Map<String, Map<String, Integer>> metadata) {
        JsonObject data = new JsonObject();
        bundle.forEach(data::addProperty);
        JsonObject meta = new JsonObject();
        metadata.forEach((type, values) -> {
            JsonObject v = new JsonObject();
            values.forEach(v::addProperty);
            meta.add(type, v);
        });
        iopub.displayData(parentOf(cell), data, meta, "", false);
    }

    /** Publishes text on a cell's stdout or stderr, as if the cell had printed it. */
    void stream(long cell, String name, String text) {
        iopub.stream(parentOf(cell), name, text);
    }

    /**
     * Puts one MIME type's data into a bundle: JSON types (application/json, ...+json, such as a widget's
     * view) as the JSON they are, as frontends expect; others as text. Malformed JSON stays text.
     */
    static void putData(JsonObject data, String mimeType, String text) {
        if (mimeType.equals("application/json") || mimeType.endsWith("+json")) {
            try {
                data.add(mimeType, com.google.gson.JsonParser.parseString(text));
                return;
            } catch (com.google.gson.JsonParseException notJson) {
                // shown as the text it is
            }
        }
        data.addProperty(mimeType, text);
    }

    static JsonArray pagePayload(List<String> texts) {
        JsonArray payload = new JsonArray();
        for (String text : texts) {
            JsonObject page = new JsonObject();
            page.addProperty("source", "page");
            JsonObject data = new JsonObject();
            data.addProperty("text/plain", text);
            page.add("data", data);
            page.addProperty("start", 0);
            payload.add(page);
        }
        return payload;
    }
}
