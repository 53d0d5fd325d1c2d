package threadbook.api.widgets;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import threadbook.agent.CellThreads;
import threadbook.agent.CommMessage;
import threadbook.agent.Comms;
import threadbook.agent.Json;
import threadbook.api.Renderable;

/**
 * A Jupyter widget: state (traits, by ipywidgets' names) kept in sync with its model in the frontend over
 * a comm, protocol 2.1 (jupyter.widget). A widget shows where it is a cell's value or is passed to
 * {@code display(...)}; it keeps working after its cell ended. Listeners run on a thread of the notebook's
 * Java, one change at a time, printing into the cell that registered them.
 */
public abstract class Widget implements Renderable {
    static final String CONTROLS = "@jupyter-widgets/controls";
    static final String BASE = "@jupyter-widgets/base";
    static final String VERSION = "2.0.0";
    private static final String PROTOCOL_VERSION = "2.1.0";
    private static final String VIEW_MIME = "application/vnd.jupyter.widget-view+json";
    /** Every widget open in this session, by model id, for the frontend's request of all states. */
    private static final Map<String, Widget> ALL = new ConcurrentHashMap<>();

    private final String id = UUID.randomUUID().toString().replace("-", "");
    private final Map<String, Object> state = new LinkedHashMap<>();
    private final Map<String, List<Listener>> observers = new ConcurrentHashMap<>();
    private volatile boolean open;
    /**
     * The trait and value being set from the frontend now, as ipywidgets' property lock: that value is not
     * sent back, but another one a listener sets meanwhile (a value clamped, say) is.
     */
    private final ThreadLocal<Map.Entry<String, Object>> fromFrontend = new ThreadLocal<>();

    /** A change of a trait: its name, the value before and after, and the widget. */
    public record Change(String name, Object oldValue, Object newValue, Widget owner) {}

    private record Listener(Consumer<Change> body, long cell) {}

    protected Widget(String modelModule, String modelName, String viewModule, String viewName) {
        state.put("_model_module", modelModule);
        state.put("_model_module_version", modelModule.equals("@jupyter-widgets/output") ? "1.0.0" : VERSION);
        state.put("_model_name", modelName);
        state.put("_view_module", viewModule);
        state.put("_view_module_version", viewModule.equals("@jupyter-widgets/output") ? "1.0.0" : VERSION);
        state.put("_view_name", viewName);
        state.put("_view_count", null);
    }

    static {
        WidgetControl.register();
    }

    /** Opens the widget's comm with its state so far (the last line of a concrete widget's constructor). */
    protected final void open() {
        if (open) {
            return;
        }
        open = true;
        ALL.put(id, this);
        Encoded e = encode(snapshot());
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("state", e.state());
        data.put("buffer_paths", e.paths());
        Comms.open(id, "jupyter.widget", Json.write(data), Json.write(Map.of("version", PROTOCOL_VERSION)),
                e.buffers(), this::received);
    }

    /** False once closed, by the notebook or by the frontend. */
    public boolean isOpen() {
        return open;
    }

    /** The model id the frontend knows this widget by. */
    public String modelId() {
        return id;
    }

    public Object get(String trait) {
        synchronized (state) {
            return state.get(trait);
        }
    }

    /** Sets a trait, sends it to the frontend and tells the trait's observers (if the value changed). */
    public Widget set(String trait, Object value) {
        Object v = toState(trait, value);
        Object old;
        synchronized (state) {
            old = state.put(trait, v);
        }
        if (Objects.equals(old, v) && !(v instanceof byte[])) {
            return this;
        }
        Map.Entry<String, Object> locked = fromFrontend.get();
        if (open && !(locked != null && locked.getKey().equals(trait) && Objects.equals(locked.getValue(), v))) {
            Map<String, Object> one = new LinkedHashMap<>();
            one.put(trait, v);
            sendState(one, "update");
        }
        changed(trait, old, v);
        return this;
    }

    /** Calls {@code listener} on every change of {@code trait} ("value", "description", ...). */
    public Widget observe(String trait, Consumer<Change> listener) {
        observers.computeIfAbsent(trait, k -> new CopyOnWriteArrayList<>())
                .add(new Listener(listener, CellThreads.current()));
        return this;
    }

    public void unobserve(String trait) {
        observers.remove(trait);
    }

    /** Closes the widget: its views disappear and it stops syncing. */
    public void close() {
        if (open) {
            open = false;
            ALL.remove(id);
            Comms.close(id);
        }
    }

    /** Shows as a widget view where the frontend has the widget manager, else as its text. */
    @Override
    public Map<String, String> render() {
        Map<String, Object> view = new LinkedHashMap<>();
        view.put("model_id", id);
        view.put("version_major", 2);
        view.put("version_minor", 0);
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put(VIEW_MIME, Json.write(view));
        bundle.put("text/plain", toString());
        return bundle;
    }

    @Override
    public String toString() {
        String model = String.valueOf(get("_model_name"));
        String name = model.endsWith("Model") ? model.substring(0, model.length() - 5) : model;
        Object value = get("value");
        return name + (value != null ? "(value=" + describe(value) + ")" : "()");
    }

    private static String describe(Object value) {
        return value instanceof String s ? "'" + s + "'" : String.valueOf(value);
    }

    /** What a trait's value is in the state: numbers as the widget's type (see {@link #normalize}), widgets as references. */
    private Object toState(String trait, Object value) {
        if (value instanceof Widget w) {
            return "IPY_MODEL_" + w.modelId();
        }
        if (value instanceof List<?> list) {
            List<Object> out = new ArrayList<>();
            for (Object item : list) {
                out.add(item instanceof Widget w ? "IPY_MODEL_" + w.modelId() : item);
            }
            return normalize(trait, out);
        }
        return normalize(trait, value);
    }

    /** A trait's value as this widget keeps it (e.g. an int slider's value as Integer, whatever JSON gave). */
    protected Object normalize(String trait, Object value) {
        return value;
    }

    /** Called after a trait changed (from the notebook or the frontend): tells its observers. */
    protected void changed(String trait, Object old, Object now) {
        fire(new Change(trait, old, now, this));
    }

    /** Tells the observers of {@code change.name()}, each in the cell that registered it. */
    protected final void fire(Change change) {
        List<Listener> listeners = observers.get(change.name());
        if (listeners == null) {
            return;
        }
        for (Listener l : listeners) {
            CellThreads.runIn(l.cell(), () -> {
                try {
                    l.body().accept(change);
                } catch (RuntimeException | Error e) { // an AssertionError, a StackOverflowError: shown, not fatal
                    System.err.println("A listener of " + this + "." + change.name() + " failed:");
                    e.printStackTrace();
                }
            });
        }
    }

    /** A message the frontend sent on this widget's comm (a custom one, e.g. a click: see Button). */
    protected void custom(Map<String, Object> content) {}

    private void received(CommMessage m) {
        if (m.kind() == CommMessage.Kind.CLOSE) {
            open = false;
            ALL.remove(id);
            return;
        }
        Map<String, Object> data = Json.parseObject(m.data());
        switch (String.valueOf(data.get("method"))) {
            case "update" -> update(data, m.buffers());
            case "request_state" -> sendState(snapshot(), "update");
            case "custom" -> custom(Json.parseObject(Json.write(data.get("content"))));
            default -> { }
        }
    }

    @SuppressWarnings("unchecked")
    private void update(Map<String, Object> data, List<byte[]> buffers) {
        Object s = data.get("state");
        if (!(s instanceof Map)) {
            return;
        }
        Map<String, Object> changes = (Map<String, Object>) s;
        Object paths = data.get("buffer_paths");
        if (paths instanceof List<?> list) {
            for (int i = 0; i < list.size() && i < buffers.size(); i++) {
                if (list.get(i) instanceof List<?> path && path.size() == 1) {
                    changes.put(String.valueOf(path.get(0)), buffers.get(i));
                }
            }
        }
        // Echoed first, as ipywidgets 8 does: other frontends of the notebook learn the new value, and the
        // sender knows which of its changes the kernel has seen.
        sendState(new LinkedHashMap<>(changes), "echo_update");
        for (Map.Entry<String, Object> e : changes.entrySet()) {
            fromFrontend.set(new java.util.AbstractMap.SimpleImmutableEntry<>(e.getKey(),
                    toState(e.getKey(), e.getValue())));
            try {
                set(e.getKey(), e.getValue());
            } finally {
                fromFrontend.remove();
            }
        }
    }

    private Map<String, Object> snapshot() {
        synchronized (state) {
            return new LinkedHashMap<>(state);
        }
    }

    /** Sends state: binary values (byte[]) as buffers beside the JSON, by their paths. */
    private void sendState(Map<String, Object> values, String method) {
        if (!open) {
            return;
        }
        Encoded e = encode(values);
        Map<String, Object> data = new LinkedHashMap<>();
        data.put("method", method);
        data.put("state", e.state());
        data.put("buffer_paths", e.paths());
        Comms.send(id, Json.write(data), e.buffers());
    }

    private record Encoded(Map<String, Object> state, List<List<String>> paths, List<byte[]> buffers) {}

    private static Encoded encode(Map<String, Object> values) {
        Map<String, Object> json = new LinkedHashMap<>();
        List<List<String>> paths = new ArrayList<>();
        List<byte[]> buffers = new ArrayList<>();
        values.forEach((k, v) -> {
            if (v instanceof byte[] b) {
                paths.add(List.of(k));
                buffers.add(b);
            } else {
                json.put(k, v);
            }
        });
        return new Encoded(json, paths, buffers);
    }

    /** The state of every open widget (for jupyter.widget.control): model id to state, with buffers. */
    static Map<String, Object> allStates(List<List<String>> bufferPaths, List<byte[]> buffers) {
        Map<String, Object> states = new LinkedHashMap<>();
        for (Widget w : ALL.values()) {
            Encoded e = encode(w.snapshot());
            Map<String, Object> one = new LinkedHashMap<>();
            one.put("model_name", e.state().get("_model_name"));
            one.put("model_module", e.state().get("_model_module"));
            one.put("model_module_version", e.state().get("_model_module_version"));
            one.put("state", e.state());
            states.put(w.id, one);
            for (int i = 0; i < e.paths().size(); i++) {
                List<String> path = new ArrayList<>();
                path.add(w.id);
                path.add("state");
                path.addAll(e.paths().get(i));
                bufferPaths.add(path);
                buffers.add(e.buffers().get(i));
            }
        }
        return states;
    }
}
