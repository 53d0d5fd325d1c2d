package threadbook.api.widgets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import threadbook.agent.CapturedOutput;
import threadbook.agent.CellThreads;
import threadbook.agent.Event;

/**
 * An area of output inside the widgets (ipywidgets' Output). What code inside {@link #capture} prints or
 * displays lands here: that thread's, and every thread it starts, also after capture returned (worker
 * processes' lines too), as a cell's threads print into their cell.
 */
public final class Output extends DOMWidget {
    private final long capture;
    private final List<Map<String, Object>> outputs = new ArrayList<>();
    /** The outputs shown with a display id, which an update replaces. */
    private final Map<String, Map<String, Object>> displays = new java.util.HashMap<>();
    private boolean clearOnNext;

    public Output() {
        super("@jupyter-widgets/output", "OutputModel", "@jupyter-widgets/output", "OutputView", null);
        set("msg_id", "");
        set("outputs", List.of());
        open();
        capture = CapturedOutput.register(new CapturedOutput.Sink() {
            @Override
            public void stream(int stream, String text) {
                append(stream == Event.Stream.STDERR ? "stderr" : "stdout", text);
            }

            @Override
            public void display(String displayId, boolean update, List<String[]> bundle) {
                Map<String, Object> data = new LinkedHashMap<>();
                for (String[] entry : bundle) {
                    data.put(entry[0], entry[0].endsWith("json") ? threadbook.agent.Json.parse(entry[1]) : entry[1]);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("output_type", "display_data");
                out.put("data", data);
                out.put("metadata", Map.of());
                if (update) {
                    replace(displayId, out);
                } else {
                    add(displayId, out);
                }
            }

            @Override
            public void clear(boolean waitForNext) {
                clearOutput(waitForNext);
            }
        });
    }

    /** Runs {@code body} with what it (and the threads it starts) prints and displays landing here. */
    public void capture(Runnable body) {
        CellThreads.runIn(capture, body);
    }

    /** As {@link #capture(Runnable)}, returning the body's value. */
    public <T> T capture(Callable<T> body) throws Exception {
        Object[] result = new Object[1];
        Exception[] failure = new Exception[1];
        CellThreads.runIn(capture, () -> {
            try {
                result[0] = body.call();
            } catch (Exception e) {
                failure[0] = e;
            }
        });
        if (failure[0] != null) {
            throw failure[0];
        }
        @SuppressWarnings("unchecked")
        T value = (T) result[0];
        return value;
    }

    public void appendStdout(String text) {
        append("stdout", text);
    }

    public void appendStderr(String text) {
        append("stderr", text);
    }

    /** Empties the output now, or (with {@code waitForNext}) when the next output comes, without flicker. */
    public void clearOutput(boolean waitForNext) {
        synchronized (outputs) {
            if (waitForNext) {
                clearOnNext = true;
                return;
            }
            outputs.clear();
            displays.clear();
            clearOnNext = false;
        }
        publish();
    }

    public void clearOutput() {
        clearOutput(false);
    }

    private void append(String name, String text) {
        synchronized (outputs) {
            takeClear();
            Map<String, Object> last = outputs.isEmpty() ? null : outputs.get(outputs.size() - 1);
            if (last != null && "stream".equals(last.get("output_type")) && name.equals(last.get("name"))) {
                Map<String, Object> merged = new LinkedHashMap<>(last);
                merged.put("text", last.get("text") + text);
                outputs.set(outputs.size() - 1, merged);
            } else {
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("output_type", "stream");
                out.put("name", name);
                out.put("text", text);
                outputs.add(out);
            }
        }
        publish();
    }

    private void add(String displayId, Map<String, Object> output) {
        synchronized (outputs) {
            takeClear();
            outputs.add(output);
            if (!displayId.isEmpty()) {
                displays.put(displayId, output);
            }
        }
        publish();
    }

    /** An update of a display in place (a progress bar), where it stands; none if it was cleared. */
    private void replace(String displayId, Map<String, Object> output) {
        synchronized (outputs) {
            Map<String, Object> shown = displays.get(displayId);
            int at = -1;
            for (int i = 0; i < outputs.size(); i++) {
                if (outputs.get(i) == shown) { // by identity: two displays may hold equal data
                    at = i;
                }
            }
            if (at < 0) {
                return;
            }
            outputs.set(at, output);
            displays.put(displayId, output);
        }
        publish();
    }

    private void takeClear() {
        if (clearOnNext) {
            outputs.clear();
            displays.clear();
            clearOnNext = false;
        }
    }

    /** The frontend shows the outputs list as it is: the whole list goes each time, as ipywidgets does. */
    private void publish() {
        synchronized (outputs) {
            set("outputs", List.copyOf(outputs));
        }
    }

    /** The text printed on stdout so far (for a check in a notebook or a test). */
    public String stdout() {
        StringBuilder text = new StringBuilder();
        synchronized (outputs) {
            for (Map<String, Object> o : outputs) {
                if ("stdout".equals(o.get("name"))) {
                    text.append(o.get("text"));
                }
            }
        }
        return text.toString();
    }

    @Override
    public String toString() {
        return "Output()";
    }
}
