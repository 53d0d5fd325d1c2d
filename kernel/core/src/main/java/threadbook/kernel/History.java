package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import threadbook.protocol.Message;

/**
 * The kernel's cells, for history_request: tail, range and glob search, as IPython answers them. The
 * protocol's "session" here is IPython's history session number, neither the Jupyter session id nor the
 * JShell session.
 */
final class History {
    /** The history session number of this kernel's cells; there is one per kernel process. */
    static final int SESSION = 1;

    private record Entry(int line, String input, String output) {}

    private final List<Entry> entries = new ArrayList<>();

    /** The history_reply content for a history_request. */
    JsonObject answer(Message request) {
        boolean withOutput = request.contentBoolean("output", false);
        String type = request.contentString("hist_access_type", "tail");
        JsonArray rows;
        switch (type) {
            case "range":
                rows = range(request.contentInt("session", 0), request.contentInt("start", 0),
                        request.contentInt("stop", 0), withOutput);
                break;
            case "search":
                rows = search(request.contentString("pattern", "*"), request.contentInt("n", 0),
                        request.contentBoolean("unique", false), withOutput);
                break;
            default:
                rows = tail(request.contentInt("n", 10), withOutput);
        }
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        content.add("history", rows);
        return content;
    }

    synchronized void add(int line, String input) {
        entries.add(new Entry(line, input, null));
    }

    synchronized void setOutput(int line, String output) {
        for (int i = entries.size() - 1; i >= 0; i--) {
            if (entries.get(i).line() == line) {
                entries.set(i, new Entry(line, entries.get(i).input(), output));
                return;
            }
        }
    }

    synchronized JsonArray tail(int n, boolean output) {
        int from = Math.max(0, entries.size() - Math.max(n, 0));
        return toJson(entries.subList(from, entries.size()), output);
    }

    /** Lines {@code start} (inclusive) to {@code stop} (exclusive; 0 or less means to the end). */
    synchronized JsonArray range(int session, int start, int stop, boolean output) {
        List<Entry> found = new ArrayList<>();
        if (session == SESSION || session == 0) { // 0 is "this session"; negative ones are earlier sessions
            for (Entry e : entries) {
                if (e.line() >= start && (stop <= 0 || e.line() < stop)) {
                    found.add(e);
                }
            }
        }
        return toJson(found, output);
    }

    /** Cells whose whole text matches a glob ({@code *} and {@code ?}); the last n, optionally unique. */
    synchronized JsonArray search(String glob, int n, boolean unique, boolean output) {
        Pattern pattern = Pattern.compile(globToRegex(glob), Pattern.DOTALL);
        List<Entry> found = new ArrayList<>();
        for (Entry e : entries) {
            if (pattern.matcher(e.input()).matches()) {
                found.add(e);
            }
        }
        if (unique) {
            Map<String, Entry> latest = new LinkedHashMap<>();
            for (Entry e : found) {
                latest.remove(e.input());
                latest.put(e.input(), e);
            }
            found = new ArrayList<>(latest.values());
        }
        if (n > 0 && found.size() > n) {
            found = found.subList(found.size() - n, found.size());
        }
        return toJson(found, output);
    }

    static String globToRegex(String glob) {
        StringBuilder regex = new StringBuilder();
        for (char c : glob.toCharArray()) {
            if (c == '*') {
                regex.append(".*");
            } else if (c == '?') {
                regex.append('.');
            } else {
                regex.append(Pattern.quote(String.valueOf(c)));
            }
        }
        return regex.toString();
    }

    private static JsonArray toJson(List<Entry> list, boolean output) {
        JsonArray result = new JsonArray();
        for (Entry e : list) {
            JsonArray row = new JsonArray();
            row.add(SESSION);
            row.add(e.line());
            if (output) {
                JsonArray pair = new JsonArray();
                pair.add(e.input());
                if (e.output() == null) {
                    pair.add(JsonNull.INSTANCE);
                } else {
                    pair.add(e.output());
                }
                row.add(pair);
            } else {
                row.add(e.input());
            }
            result.add(row);
        }
        return result;
    }
}
