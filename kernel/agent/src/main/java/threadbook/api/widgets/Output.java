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
            public void display(List<String[]> bundle) {
                Map<String, Object> data = new LinkedHashMap<>();
                for (String[] entry : bundle) {
                    data.put(entry[0], entry[0].endsWith("json") ? threadbook.agent.Json.parse(entry[1]) : entry[1]);
                }
                Map<String, Object> out = new LinkedHashMap<>();
                out.put("output_type", "display_data");
                out.put("data", data);
                out.put("metadata", Map.of());
                add(out);
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

    private void add(Map<String, Object> output) {
        synchronized (outputs) {
            takeClear();
            outputs.add(output);
        }
        publish();
    }

    private void takeClear() {
        if (clearOnNext) {
            outputs.clear();
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
