package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.Field;
import com.sun.jdi.LocalVariable;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.ExceptionEvent;
import com.sun.jdi.event.StepEvent;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.ExceptionRequest;
import com.sun.jdi.request.StepRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;
import threadbook.jshell.DebugHooks;
import threadbook.jshell.JShellSession;

/**
 * JupyterLab's debugger for the notebook: the Debug Adapter Protocol requests that arrive in
 * debug_request messages (Jupyter messaging 5.5), answered over JDI in the agent JVM that runs the cells.
 * Replies and events have the shapes ipykernel's debugger gives them. A breakpoint stops only the thread
 * that reaches it (the others run on, so one thread can be held inside a synchronized block while another
 * blocks on it); pause stops them all and names a deadlock if there is one.
 */
public final class Debugger {
    private static final Logger LOG = Logger.getLogger(Debugger.class.getName());
    /** Stepping stays in the notebook's code: these classes are stepped through, not into. */
    private static final List<String> NOT_STEPPED = List.of("java.*", "javax.*", "jdk.*", "sun.*", "com.sun.*", "threadbook.*");
    /** Frames of JShell's and the agent's machinery, below the notebook's code; the call stack ends there. */
    private static final List<String> MACHINERY = List.of("jdk.jshell.", "threadbook.agent.", "jdk.internal.reflect.",
            "java.lang.reflect.", "java.lang.invoke.");

    private final Consumer<JsonObject> events;
    private final CellSources cells;
    private final Values values = new Values();
    private final Threads threads = new Threads();
    private final Object lock = new Object();

    // All below guarded by lock.
    private JShellSession session;
    private boolean started;
    private int seq;
    private final Map<String, List<Integer>> breakpoints = new LinkedHashMap<>();
    private final Map<String, List<BreakpointRequest>> requests = new HashMap<>();
    private final Set<String> applied = new HashSet<>();
    private ClassPrepareRequest prepare;
    private ExceptionRequest exceptions;
    private final List<EventRequest> threadRequests = new ArrayList<>();
    private final Map<Integer, ThreadReference> stopped = new LinkedHashMap<>();
    /** Threads stopped by a breakpoint, step or exception: only those can run toString for the panel. */
    private final Set<Integer> stoppedByEvent = new HashSet<>();
    private final Map<Integer, Frame> frames = new HashMap<>();
    private int nextFrame = 1;

    private record Frame(int threadId, ThreadReference thread, int index) {}

    /** {@code events} publishes a debug_event's content on iopub. */
    public Debugger(Consumer<JsonObject> events) {
        this.events = events;
        String folder;
        try {
            folder = threadbook.agent.PrivateFolder.get().resolve("cells").toString();
        } catch (RuntimeException e) {
            folder = System.getProperty("java.io.tmpdir") + "/threadbook-cells";
        }
        // Only names: no file is written there (the kernel answers `source` from memory).
        this.cells = new CellSources(folder + java.io.File.separator + ProcessHandle.current().pid() + java.io.File.separator);
    }

    // ---- hooks from the kernel ------------------------------------------------------------------

    /** A Java session started (the first, or after a restart): the debugger follows it from now on. */
    public void sessionStarted(JShellSession s) {
        synchronized (lock) {
            List<Integer> wereStopped = new ArrayList<>(stopped.keySet());
            session = s;
            requests.clear();
            applied.clear();
            prepare = null;
            exceptions = null;
            stopped.clear();
            stoppedByEvent.clear();
            frames.clear();
            values.clear();
            threads.clear();
            cells.forgetClasses();
            // The threads stopped in the Java process that ended are gone: the panels must let go of them.
            wereStopped.forEach(id -> continued(id, true));
            s.debug(new DebugHooks() {
                @Override
                public void snippet(String className, SnippetWrapper wrapper, int firstLine) {
                    snippetDefined(className, wrapper, firstLine);
                }

                @Override
                public boolean event(EventSet set) {
                    return jdiEvent(set);
                }
            });
            threadRequests.clear();
            if (started) {
                followThreads();
                if (!breakpoints.isEmpty()) {
                    ensurePrepareRequest();
                }
            }
        }
    }

    /** A cell is about to run: its snippets are that cell's; a step left pending by the last cell ends. */
    public void beforeExecute(String code) {
        cells.running(code);
        synchronized (lock) {
            VirtualMachine vm = vm();
            if (vm != null && !vm.eventRequestManager().stepRequests().isEmpty()) {
                vm.eventRequestManager().deleteEventRequests(vm.eventRequestManager().stepRequests());
            }
            for (List<BreakpointRequest> list : requests.values()) {
                list.forEach(r -> r.setEnabled(true));
            }
        }
    }

    /**
     * The user pressed ■: threads held at a breakpoint run on so the stop can reach them, and breakpoints
     * rest until the next cell (they would hold the interrupted code again before it ends).
     */
    public void interrupted() {
        synchronized (lock) {
            for (List<BreakpointRequest> list : requests.values()) {
                list.forEach(r -> r.setEnabled(false));
            }
            resumeAll();
        }
    }

    // ---- requests -------------------------------------------------------------------------------

    /** Answers one DAP request (the debug_request's content); returns the debug_reply's content. */
    public JsonObject handle(JsonObject request) {
        String command = string(request, "command");
        JsonObject args = request.has("arguments") && request.get("arguments").isJsonObject()
                ? request.getAsJsonObject("arguments") : new JsonObject();
        try {
            synchronized (lock) {
                return switch (command) {
                    case "initialize" -> initialize(request);
                    case "attach" -> attach(request);
                    case "disconnect" -> disconnect(request);
                    case "debugInfo" -> ok(request, debugInfo());
                    case "dumpCell" -> dumpCell(request, args);
                    case "configurationDone" -> ok(request, null);
                    case "setBreakpoints" -> needsStart(request, () -> setBreakpoints(request, args));
                    case "setExceptionBreakpoints" -> needsStart(request, () -> setExceptionBreakpoints(request, args));
                    case "threads" -> needsStart(request, () -> threadsReply(request));
                    case "stackTrace" -> needsStart(request, () -> stackTrace(request, args));
                    case "scopes" -> needsStart(request, () -> scopes(request, args));
                    case "variables" -> variables(request, args);
                    case "continue" -> needsStart(request, () -> resume(request, args, -1));
                    case "next" -> needsStart(request, () -> resume(request, args, StepRequest.STEP_OVER));
                    case "stepIn" -> needsStart(request, () -> resume(request, args, StepRequest.STEP_INTO));
                    case "stepOut" -> needsStart(request, () -> resume(request, args, StepRequest.STEP_OUT));
                    case "pause" -> needsStart(request, () -> pause(request, args));
                    case "evaluate" -> evaluate(request, args);
                    case "source" -> source(request, args);
                    case "modules" -> modules(request);
                    case "inspectVariables" -> inspectVariables(request);
                    case "richInspectVariables" -> richInspect(request, args);
                    default -> fail(request, "The debugger does not know the request '" + command + "'.");
                };
            }
        } catch (com.sun.jdi.VMDisconnectedException e) {
            return fail(request, "The Java process has ended (restarted or crashed); run the cell again.");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "debug request " + command + " failed", e);
            return fail(request, "The debugger could not answer " + command + ": " + e);
        }
    }

    private JsonObject needsStart(JsonObject request, java.util.function.Supplier<JsonObject> answer) {
        if (!started) {
            return fail(request, "The debugger is not on: send initialize and attach first.");
        }
        return answer.get();
    }

    private JsonObject initialize(JsonObject request) {
        started = true;
        followThreads();
        if (!breakpoints.isEmpty()) {
            ensurePrepareRequest();
        }
        JsonObject body = new JsonObject();
        body.addProperty("supportsConfigurationDoneRequest", true);
        body.addProperty("supportsEvaluateForHovers", true);
        body.addProperty("supportsModulesRequest", true);
        body.addProperty("supportsSetVariable", false);
        body.addProperty("supportsConditionalBreakpoints", false);
        body.addProperty("supportsStepBack", false);
        body.addProperty("supportsTerminateRequest", false);
        body.addProperty("supportsDelayedStackTraceLoading", false);
        JsonArray filters = new JsonArray();
        JsonObject uncaught = new JsonObject();
        uncaught.addProperty("filter", "uncaught");
        uncaught.addProperty("label", "Uncaught exceptions");
        uncaught.addProperty("default", false);
        filters.add(uncaught);
        body.add("exceptionBreakpointFilters", filters);
        return ok(request, body);
    }

    private JsonObject attach(JsonObject request) {
        started = true;
        JsonObject reply = ok(request, null);
        event("initialized", new JsonObject());
        return reply;
    }

    private JsonObject disconnect(JsonObject request) {
        VirtualMachine vm = vm();
        if (vm != null) {
            EventRequestManager erm = vm.eventRequestManager();
            requests.values().forEach(erm::deleteEventRequests);
            erm.deleteEventRequests(erm.stepRequests());
            if (prepare != null) {
                erm.deleteEventRequest(prepare);
            }
            if (exceptions != null) {
                erm.deleteEventRequest(exceptions);
            }
            erm.deleteEventRequests(threadRequests);
        }
        threadRequests.clear();
        requests.clear();
        applied.clear();
        prepare = null;
        exceptions = null;
        breakpoints.clear();
        resumeAll();
        started = false;
        return ok(request, null);
    }

    private JsonObject debugInfo() {
        JsonObject body = new JsonObject();
        body.addProperty("isStarted", started);
        body.addProperty("hashMethod", "Murmur2");
        body.addProperty("hashSeed", Murmur2.SEED);
        body.addProperty("tmpFilePrefix", cells.prefix());
        body.addProperty("tmpFileSuffix", CellSources.SUFFIX);
        JsonArray list = new JsonArray();
        breakpoints.forEach((path, lines) -> {
            JsonObject one = new JsonObject();
            one.addProperty("source", path);
            JsonArray bps = new JsonArray();
            for (int line : lines) {
                JsonObject bp = new JsonObject();
                bp.addProperty("line", line);
                bps.add(bp);
            }
            one.add("breakpoints", bps);
            list.add(one);
        });
        body.add("breakpoints", list);
        JsonArray ids = new JsonArray();
        stopped.keySet().forEach(ids::add);
        body.add("stoppedThreads", ids);
        body.addProperty("richRendering", true);
        JsonArray paths = new JsonArray();
        paths.add("Java Exceptions");
        body.add("exceptionPaths", paths);
        body.addProperty("copyToGlobals", false);
        // Said here because a student may wonder why a breakpoint in a worker's task never stops.
        body.addProperty("note", "Worker processes (%workers, WorkerPool) are not debugged: breakpoints stop the notebook's own JVM only.");
        return body;
    }

    private JsonObject dumpCell(JsonObject request, JsonObject args) {
        JsonObject body = new JsonObject();
        body.addProperty("sourcePath", cells.dump(string(args, "code")));
        return ok(request, body);
    }

    private JsonObject setBreakpoints(JsonObject request, JsonObject args) {
        JsonObject source = args.has("source") ? args.getAsJsonObject("source") : new JsonObject();
        String path = string(source, "path");
        List<Integer> lines = new ArrayList<>();
        if (args.has("breakpoints")) {
            for (JsonElement e : args.getAsJsonArray("breakpoints")) {
                lines.add(e.getAsJsonObject().get("line").getAsInt());
            }
        } else if (args.has("lines")) {
            args.getAsJsonArray("lines").forEach(e -> lines.add(e.getAsInt()));
        }
        VirtualMachine vm = vm();
        List<BreakpointRequest> old = requests.remove(path);
        if (old != null && vm != null) {
            vm.eventRequestManager().deleteEventRequests(old);
        }
        applied.removeIf(key -> key.startsWith(path + "|"));
        if (lines.isEmpty()) {
            breakpoints.remove(path);
        } else {
            breakpoints.put(path, List.copyOf(lines));
            ensurePrepareRequest();
            for (CellSources.Snippet s : cells.snippets(path)) {
                applyToLoaded(s);
            }
        }
        String code = cells.code(path);
        JsonArray list = new JsonArray();
        int id = 1;
        for (int line : lines) {
            JsonObject bp = new JsonObject();
            bp.addProperty("id", id++);
            bp.addProperty("verified", code == null || (line >= 1 && line <= CellSources.lineCount(code)));
            bp.addProperty("line", line);
            JsonObject src = new JsonObject();
            src.addProperty("path", path);
            bp.add("source", src);
            list.add(bp);
        }
        JsonObject body = new JsonObject();
        body.add("breakpoints", list);
        return ok(request, body);
    }

    private JsonObject setExceptionBreakpoints(JsonObject request, JsonObject args) {
        VirtualMachine vm = vm();
        boolean on = args.has("filters") && args.getAsJsonArray("filters").size() > 0;
        if (exceptions != null && vm != null) {
            vm.eventRequestManager().deleteEventRequest(exceptions);
            exceptions = null;
        }
        if (on && vm != null) {
            // "Caught" too: JShell's own machinery catches what a cell throws; the event handler keeps only
            // exceptions that no notebook code catches.
            exceptions = vm.eventRequestManager().createExceptionRequest(null, true, true);
            for (String ex : NOT_STEPPED) {
                exceptions.addClassExclusionFilter(ex);
            }
            exceptions.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            exceptions.enable();
        }
        JsonObject body = new JsonObject();
        body.add("breakpoints", new JsonArray());
        return ok(request, body);
    }

    private JsonObject threadsReply(JsonObject request) {
        JsonArray list = new JsonArray();
        VirtualMachine vm = vm();
        Set<Integer> listed = new HashSet<>();
        if (vm != null) {
            for (ThreadReference t : Threads.user(vm)) {
                int id = threads.id(t);
                listed.add(id);
                list.add(thread(id, t));
            }
        }
        // Virtual threads are not in allThreads; a stopped one is listed all the same.
        stopped.forEach((id, t) -> {
            if (!listed.contains(id)) {
                list.add(thread(id, t));
            }
        });
        JsonObject body = new JsonObject();
        body.add("threads", list);
        return ok(request, body);
    }

    private static JsonObject thread(int id, ThreadReference t) {
        JsonObject o = new JsonObject();
        o.addProperty("id", id);
        o.addProperty("name", t.name());
        return o;
    }

    private JsonObject stackTrace(JsonObject request, JsonObject args) {
        int threadId = integer(args, "threadId", stopped.isEmpty() ? 1 : stopped.keySet().iterator().next());
        ThreadReference thread = stopped.get(threadId);
        if (thread == null) {
            return fail(request, "Thread " + threadId + " is running: only a stopped thread has a call stack to show.");
        }
        JsonArray list = new JsonArray();
        try {
            List<StackFrame> all = thread.frames();
            boolean inNotebook = false;
            for (int i = 0; i < all.size(); i++) {
                Location loc = all.get(i).location();
                String type = loc.declaringType().name();
                boolean notebook = CellSources.wrapperClass(type) != null;
                if (!notebook && inNotebook && MACHINERY.stream().anyMatch(type::startsWith)) {
                    break; // what runs the cell, not the cell
                }
                inNotebook |= notebook;
                int id = nextFrame++;
                frames.put(id, new Frame(threadId, thread, i));
                list.add(frame(id, loc));
            }
        } catch (com.sun.jdi.IncompatibleThreadStateException e) {
            return fail(request, "Thread " + threadId + " is running again.");
        }
        int start = integer(args, "startFrame", 0);
        int levels = integer(args, "levels", 0);
        JsonArray shown = new JsonArray();
        for (int i = start; i < list.size() && (levels <= 0 || i < start + levels); i++) {
            shown.add(list.get(i));
        }
        JsonObject body = new JsonObject();
        body.add("stackFrames", shown);
        body.addProperty("totalFrames", list.size());
        return ok(request, body);
    }

    private JsonObject frame(int id, Location loc) {
        JsonObject f = new JsonObject();
        f.addProperty("id", id);
        String type = loc.declaringType().name();
        String method = loc.method().name();
        CellSources.Place place = cells.place(type, loc.lineNumber());
        JsonObject source = new JsonObject();
        if (place != null) {
            f.addProperty("name", method.equals("do_it$") ? "cell" : method.startsWith("lambda$") ? "lambda" : method);
            f.addProperty("line", place.line());
            source.addProperty("path", place.path());
            source.addProperty("name", place.path().substring(place.path().lastIndexOf(java.io.File.separatorChar) + 1));
        } else {
            f.addProperty("name", type + "." + method);
            f.addProperty("line", Math.max(0, loc.lineNumber()));
            try {
                source.addProperty("name", loc.sourceName());
            } catch (AbsentInformationException e) {
                source.addProperty("name", type);
            }
            f.addProperty("presentationHint", "subtle");
        }
        f.addProperty("column", 1);
        f.add("source", source);
        return f;
    }

    private JsonObject scopes(JsonObject request, JsonObject args) {
        Frame frame = frames.get(integer(args, "frameId", -1));
        if (frame == null) {
            return fail(request, "That frame is gone: the thread has run on since.");
        }
        ThreadReference invoker = stoppedByEvent.contains(frame.threadId()) ? frame.thread() : null;
        JsonArray list = new JsonArray();
        list.add(scope("Locals", values.register(() -> locals(frame, invoker))));
        list.add(scope("Globals", values.register(() -> globals(invoker))));
        list.add(scope("Thread", values.register(() -> threadScope(frame.thread()))));
        list.add(scope("Threads", values.register(this::allThreadsScope)));
        JsonObject body = new JsonObject();
        body.add("scopes", list);
        return ok(request, body);
    }

    private static JsonObject scope(String name, int reference) {
        JsonObject s = new JsonObject();
        s.addProperty("name", name);
        s.addProperty("variablesReference", reference);
        s.addProperty("expensive", false);
        return s;
    }

    private List<JsonObject> locals(Frame frame, ThreadReference invoker) {
        List<JsonObject> list = new ArrayList<>();
        try {
            StackFrame f = frame.thread().frame(frame.index());
            ObjectReference self = f.thisObject();
            Map<LocalVariable, Value> vars = f.getValues(f.visibleVariables());
            for (Map.Entry<LocalVariable, Value> e : vars.entrySet()) {
                list.add(values.variable(e.getKey().name(), e.getKey().typeName(), e.getValue(), invoker));
            }
            if (self != null && CellSources.wrapperClass(self.referenceType().name()) != null) {
                list.add(values.variable("this", self.referenceType().name(), self, invoker));
            }
        } catch (AbsentInformationException e) {
            list.add(values.note("(no variables)", "this code was compiled without local variable names", 0));
        } catch (com.sun.jdi.IncompatibleThreadStateException | com.sun.jdi.InvalidStackFrameException e) {
            list.add(values.note("(running)", "the thread has run on", 0));
        }
        return list;
    }

    /** The notebook's variables (static fields of JShell's wrapper classes), as a cell would see them. */
    private List<JsonObject> globals(ThreadReference invoker) {
        List<JsonObject> list = new ArrayList<>();
        VirtualMachine vm = vm();
        JShellSession s = session;
        if (vm == null || s == null) {
            return list;
        }
        for (JShellSession.NotebookVariable v : s.notebookVariables()) {
            Value value = notebookValue(vm, v);
            if (value != null || isLoaded(vm, v)) {
                list.add(values.variable(v.name(), v.type(), value, invoker));
            }
        }
        return list;
    }

    private static boolean isLoaded(VirtualMachine vm, JShellSession.NotebookVariable v) {
        return !vm.classesByName(v.className()).isEmpty();
    }

    private static Value notebookValue(VirtualMachine vm, JShellSession.NotebookVariable v) {
        for (ReferenceType type : vm.classesByName(v.className())) {
            Field f = type.fieldByName(v.name());
            if (f != null && f.isStatic()) {
                return type.getValue(f);
            }
        }
        return null;
    }

    /** Object id → the notebook variable that holds that object, to name locks. */
    private Map<Long, String> lockNames() {
        Map<Long, String> names = new HashMap<>();
        VirtualMachine vm = vm();
        JShellSession s = session;
        if (vm == null || s == null) {
            return names;
        }
        for (JShellSession.NotebookVariable v : s.notebookVariables()) {
            try {
                if (notebookValue(vm, v) instanceof ObjectReference o) {
                    names.putIfAbsent(o.uniqueID(), v.name());
                }
            } catch (RuntimeException e) {
                // not readable now
            }
        }
        return names;
    }

    /** A thread's state and locks; a running thread is suspended for the moment it takes to read them. */
    private List<JsonObject> threadScope(ThreadReference t) {
        List<JsonObject> list = new ArrayList<>();
        boolean wasSuspended = t.isSuspended();
        if (!wasSuspended) {
            t.suspend();
        }
        try {
            Map<Long, String> names = lockNames();
            list.add(values.note("name", t.name(), 0));
            list.add(values.note("state", Threads.state(t), 0));
            Threads.Locks locks = Threads.locks(t);
            List<String> held = new ArrayList<>();
            locks.owned().forEach(o -> held.add(Threads.name(o, names)));
            list.add(values.note("holds", held.isEmpty() ? "no lock" : String.join(", ", held), 0));
            if (locks.waitsFor() != null) {
                list.add(values.note("waits for", Threads.name(locks.waitsFor(), names)
                        + (locks.waitsForOwner() == null ? "" : ", held by " + locks.waitsForOwner().name()), 0));
            }
        } finally {
            if (!wasSuspended) {
                t.resume();
            }
        }
        return list;
    }

    private List<JsonObject> allThreadsScope() {
        List<JsonObject> list = new ArrayList<>();
        VirtualMachine vm = vm();
        if (vm == null) {
            return list;
        }
        for (ThreadReference t : Threads.user(vm)) {
            List<JsonObject> detail = threadScope(t);
            String summary = detail.size() > 1 ? detail.get(1).get("value").getAsString() : "";
            String holds = detail.size() > 2 ? detail.get(2).get("value").getAsString() : "";
            list.add(values.note(t.name(), summary + ("no lock".equals(holds) ? "" : "; holds " + holds),
                    values.register(() -> threadScope(t))));
        }
        return list;
    }

    private JsonObject variables(JsonObject request, JsonObject args) {
        JsonObject body = new JsonObject();
        body.add("variables", Values.array(values.children(integer(args, "variablesReference", 0))));
        return ok(request, body);
    }

    /**
     * continue (depth -1), or a step. A step moves the one thread, the others stay as they are. continue,
     * as DAP has it, lets every stopped thread go on unless {@code singleThread} is asked (JupyterLab sends
     * continue with whichever thread it shows next, having dropped the one it shows now).
     */
    private JsonObject resume(JsonObject request, JsonObject args, int depth) {
        int threadId = integer(args, "threadId", stopped.isEmpty() ? 1 : stopped.keySet().iterator().next());
        ThreadReference thread = stopped.get(threadId);
        JsonObject body = new JsonObject();
        if (depth < 0) {
            boolean single = args.has("singleThread") && args.get("singleThread").getAsBoolean();
            if (stopped.isEmpty() || single && thread == null) {
                return fail(request, "Thread " + threadId + " is not stopped.");
            }
            if (single) {
                forget(threadId);
                thread.resume();
                continued(threadId, false);
            } else {
                resumeAll();
            }
            body.addProperty("allThreadsContinued", !single);
            return ok(request, body);
        }
        if (thread == null) {
            return fail(request, "Thread " + threadId + " is not stopped.");
        }
        VirtualMachine vm = vm();
        EventRequestManager erm = vm.eventRequestManager();
        List<StepRequest> old = new ArrayList<>();
        for (StepRequest r : erm.stepRequests()) {
            if (r.thread().equals(thread)) {
                old.add(r);
            }
        }
        erm.deleteEventRequests(old);
        StepRequest step = erm.createStepRequest(thread, StepRequest.STEP_LINE, depth);
        NOT_STEPPED.forEach(step::addClassExclusionFilter);
        step.addCountFilter(1);
        step.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        step.putProperty("depth", depth);
        step.enable();
        forget(threadId);
        thread.resume();
        return ok(request, null);
    }

    private JsonObject pause(JsonObject request, JsonObject args) {
        VirtualMachine vm = vm();
        if (vm == null) {
            return fail(request, "The Java process is not running.");
        }
        List<ThreadReference> all = Threads.user(vm);
        for (ThreadReference t : all) {
            int id = threads.id(t);
            if (!stopped.containsKey(id)) {
                t.suspend();
                stopped.put(id, t);
            }
        }
        Threads.Deadlock cycle = Threads.deadlock(all, lockNames());
        String deadlock = cycle == null ? null : cycle.text();
        if (deadlock == null && session != null) {
            deadlock = session.deadlockReport(); // java.util.concurrent locks, which are not monitors
        }
        int threadId = integer(args, "threadId", 1);
        if (cycle != null) {
            threadId = threads.id(cycle.cycle().get(0)); // show where a deadlocked thread is stuck
        }
        if (!stopped.containsKey(threadId) && !stopped.isEmpty()) {
            threadId = stopped.keySet().iterator().next();
        }
        JsonObject body = new JsonObject();
        body.addProperty("reason", "pause");
        body.addProperty("threadId", threadId);
        body.addProperty("allThreadsStopped", true);
        if (deadlock != null) {
            body.addProperty("description", deadlock);
            body.addProperty("text", deadlock);
        }
        JsonObject reply = ok(request, null);
        event("stopped", body);
        return reply;
    }

    private JsonObject evaluate(JsonObject request, JsonObject args) {
        String expression = string(args, "expression").strip();
        Frame frame = frames.get(integer(args, "frameId", -1));
        ThreadReference invoker = frame != null && stoppedByEvent.contains(frame.threadId()) ? frame.thread() : null;
        if (!expression.matches("[\\p{L}_$][\\p{L}\\p{N}_$]*(\\s*(\\.\\s*[\\p{L}_$][\\p{L}\\p{N}_$]*|\\[\\s*\\d+\\s*\\]))*")) {
            return fail(request, "The debugger shows variables, their fields and array elements (a, a.b, a[2]);"
                    + " to run other Java, continue and write it in a cell.");
        }
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*|\\d+").matcher(expression);
        m.find();
        String first = m.group();
        Value value = lookup(first, frame);
        if (value == null && !known(first, frame)) {
            return fail(request, "There is no variable '" + first + "' here.");
        }
        while (m.find()) {
            String part = m.group();
            if (Character.isDigit(part.charAt(0))) {
                if (!(value instanceof com.sun.jdi.ArrayReference a) || Integer.parseInt(part) >= a.length()) {
                    return fail(request, "'" + expression + "': no element " + part + " there.");
                }
                value = a.getValue(Integer.parseInt(part));
            } else {
                if (!(value instanceof ObjectReference o) || o.referenceType().fieldByName(part) == null) {
                    return fail(request, "'" + expression + "': no field " + part + " there.");
                }
                value = o.getValue(o.referenceType().fieldByName(part));
            }
        }
        JsonObject v = values.variable(expression, "", value, invoker);
        JsonObject body = new JsonObject();
        body.addProperty("result", v.get("value").getAsString());
        body.add("type", v.get("type"));
        body.add("variablesReference", v.get("variablesReference"));
        return ok(request, body);
    }

    private boolean known(String name, Frame frame) {
        if (frame != null) {
            try {
                if (frame.thread().frame(frame.index()).visibleVariableByName(name) != null) {
                    return true;
                }
            } catch (Exception e) {
                // fall through to the notebook's variables
            }
        }
        return session != null && session.notebookVariables().stream().anyMatch(v -> v.name().equals(name));
    }

    /** A name's value: a local of the frame first, then a notebook variable. */
    private Value lookup(String name, Frame frame) {
        if (frame != null) {
            try {
                StackFrame f = frame.thread().frame(frame.index());
                LocalVariable local = f.visibleVariableByName(name);
                if (local != null) {
                    return f.getValue(local);
                }
            } catch (Exception e) {
                // no locals here
            }
        }
        VirtualMachine vm = vm();
        if (vm == null || session == null) {
            return null;
        }
        for (JShellSession.NotebookVariable v : session.notebookVariables()) {
            if (v.name().equals(name)) {
                return notebookValue(vm, v);
            }
        }
        return null;
    }

    private JsonObject source(JsonObject request, JsonObject args) {
        JsonObject source = args.has("source") ? args.getAsJsonObject("source") : new JsonObject();
        String code = cells.code(string(source, "path"));
        if (code == null) {
            JsonObject reply = fail(request, "source unavailable");
            reply.add("body", new JsonObject());
            return reply;
        }
        JsonObject body = new JsonObject();
        body.addProperty("content", code);
        return ok(request, body);
    }

    private JsonObject modules(JsonObject request) {
        JsonArray list = new JsonArray();
        int i = 0;
        for (String path : cells.cells().keySet()) {
            JsonObject m = new JsonObject();
            m.addProperty("id", i++);
            m.addProperty("name", path.substring(path.lastIndexOf(java.io.File.separatorChar) + 1));
            m.addProperty("path", path);
            list.add(m);
        }
        JsonObject body = new JsonObject();
        body.add("modules", list);
        body.addProperty("totalModules", list.size());
        return ok(request, body);
    }

    private JsonObject inspectVariables(JsonObject request) {
        values.clear();
        JsonObject body = new JsonObject();
        body.add("variables", Values.array(globals(null)));
        return ok(request, body);
    }

    private JsonObject richInspect(JsonObject request, JsonObject args) {
        String name = string(args, "variableName");
        Frame frame = frames.get(integer(args, "frameId", -1));
        ThreadReference invoker = frame != null && stoppedByEvent.contains(frame.threadId()) ? frame.thread() : null;
        JsonObject data = new JsonObject();
        if (known(name, frame)) {
            data.addProperty("text/plain", values.text(lookup(name, frame), invoker));
        }
        JsonObject body = new JsonObject();
        body.add("data", data);
        body.add("metadata", new JsonObject());
        return ok(request, body);
    }

    // ---- JDI side -------------------------------------------------------------------------------

    private VirtualMachine vm() {
        JShellSession s = session;
        return s == null ? null : s.virtualMachine();
    }

    /**
     * Thread started/exited events, so the Callstack panel's thread list follows the program. Platform
     * threads only (JDK 21+ can say so): a cell that starts 10,000 virtual threads must not cost 20,000 events.
     */
    private void followThreads() {
        VirtualMachine vm = vm();
        if (vm == null || !threadRequests.isEmpty()) {
            return;
        }
        EventRequestManager erm = vm.eventRequestManager();
        for (EventRequest r : List.<EventRequest>of(erm.createThreadStartRequest(), erm.createThreadDeathRequest())) {
            try {
                r.getClass().getMethod("addPlatformThreadsOnlyFilter").invoke(r);
            } catch (ReflectiveOperationException | RuntimeException e) {
                // before JDK 21 every thread is a platform thread
            }
            r.setSuspendPolicy(EventRequest.SUSPEND_NONE);
            r.enable();
            threadRequests.add(r);
        }
    }

    /** Breakpoints reach classes as they load: a wrapper class, or a class, lambda or anonymous class in it. */
    private void ensurePrepareRequest() {
        VirtualMachine vm = vm();
        if (prepare != null || vm == null) {
            return;
        }
        prepare = vm.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter("REPL.*");
        prepare.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        prepare.enable();
    }

    private void snippetDefined(String className, SnippetWrapper wrapper, int firstLine) {
        CellSources.Snippet s = cells.define(className, wrapper, firstLine);
        if (s == null) {
            return;
        }
        synchronized (lock) {
            if (started && breakpoints.containsKey(s.path())) {
                applyToLoaded(s);
            }
        }
    }

    /** Sets the breakpoints of a snippet's cell in its wrapper class and the classes in it loaded so far. */
    private void applyToLoaded(CellSources.Snippet s) {
        VirtualMachine vm = vm();
        if (vm == null) {
            return;
        }
        for (ReferenceType type : vm.classesByName(s.className())) {
            if (!type.isPrepared()) {
                continue; // its ClassPrepareEvent comes
            }
            apply(type, s);
            for (ReferenceType nested : type.nestedTypes()) {
                if (nested.isPrepared()) {
                    apply(nested, s);
                }
            }
        }
    }

    private void apply(ReferenceType type, CellSources.Snippet s) {
        List<Integer> lines = breakpoints.get(s.path());
        if (lines == null || !applied.add(s.path() + "|" + type.name() + "|" + type.classLoader())) {
            return;
        }
        EventRequestManager erm = type.virtualMachine().eventRequestManager();
        for (int line : lines) {
            int wrappedLine = CellSources.wrappedLine(s, line);
            if (wrappedLine < 0) {
                continue;
            }
            List<Location> locations;
            try {
                locations = type.locationsOfLine(wrappedLine);
            } catch (AbsentInformationException | com.sun.jdi.ClassNotPreparedException e) {
                continue;
            }
            // One breakpoint per method (a line may have several code ranges in one method).
            Map<Method, Location> first = new LinkedHashMap<>();
            for (Location l : locations) {
                first.merge(l.method(), l, (a, b) -> a.codeIndex() <= b.codeIndex() ? a : b);
            }
            for (Location l : first.values()) {
                BreakpointRequest r = erm.createBreakpointRequest(l);
                r.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                r.putProperty("line", line);
                r.enable();
                requests.computeIfAbsent(s.path(), p -> new ArrayList<>()).add(r);
            }
        }
    }

    /** On the JDI event thread: true keeps the event's thread suspended (stopped in the debugger). */
    private boolean jdiEvent(EventSet set) {
        ThreadReference invoking = Values.invoking;
        if (invoking != null) {
            for (Event e : set) {
                if (e instanceof com.sun.jdi.event.LocatableEvent l && invoking.equals(l.thread())
                        || e instanceof ClassPrepareEvent p && invoking.equals(p.thread())) {
                    return false; // the panel's toString runs in it, and the panel holds the lock: let it finish
                }
            }
        }
        synchronized (lock) {
            boolean keep = false;
            for (Event e : set) {
                if (e instanceof com.sun.jdi.event.ThreadStartEvent begun && started) {
                    threadEvent(begun.thread(), "started");
                } else if (e instanceof com.sun.jdi.event.ThreadDeathEvent ended && started) {
                    threadEvent(ended.thread(), "exited");
                } else if (e instanceof ClassPrepareEvent prepared) {
                    CellSources.Snippet s = cells.snippetOf(prepared.referenceType().name());
                    if (s != null && breakpoints.containsKey(s.path())) {
                        apply(prepared.referenceType(), s);
                    }
                } else if (e instanceof BreakpointEvent hit && started) {
                    keep |= stop(hit.thread(), "breakpoint", null);
                } else if (e instanceof StepEvent step) {
                    set.virtualMachine().eventRequestManager().deleteEventRequest(step.request());
                    if (cells.place(step.location().declaringType().name(), step.location().lineNumber()) == null) {
                        // Wrapper code with no cell line (JShell's return from a snippet): step on.
                        StepRequest again = set.virtualMachine().eventRequestManager().createStepRequest(
                                step.thread(), StepRequest.STEP_LINE, StepRequest.STEP_OVER);
                        NOT_STEPPED.forEach(again::addClassExclusionFilter);
                        again.addCountFilter(1);
                        again.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                        again.enable();
                        continue;
                    }
                    keep |= started && stop(step.thread(), "step", null);
                } else if (e instanceof ExceptionEvent thrown && started) {
                    Location c = thrown.catchLocation();
                    String catcher = c == null ? null : c.declaringType().name();
                    if (catcher == null || MACHINERY.stream().anyMatch(catcher::startsWith)) {
                        keep |= stop(thrown.thread(), "exception", thrown.exception().referenceType().name());
                    }
                }
            }
            return keep;
        }
    }

    private void threadEvent(ThreadReference thread, String reason) {
        try {
            if (!Threads.isUser(thread)) {
                return;
            }
        } catch (RuntimeException gone) {
            return;
        }
        JsonObject body = new JsonObject();
        body.addProperty("reason", reason);
        body.addProperty("threadId", threads.id(thread));
        event("thread", body);
    }

    private boolean stop(ThreadReference thread, String reason, String description) {
        int id = threads.id(thread);
        if (stopped.containsKey(id)) {
            return false;
        }
        stopped.put(id, thread);
        stoppedByEvent.add(id);
        // A step still pending on this thread (a breakpoint came first) would stop it again later, unasked.
        EventRequestManager erm = thread.virtualMachine().eventRequestManager();
        erm.deleteEventRequests(erm.stepRequests().stream().filter(r -> r.thread().equals(thread)).toList());
        JsonObject body = new JsonObject();
        body.addProperty("reason", reason);
        body.addProperty("threadId", id);
        body.addProperty("allThreadsStopped", false);
        body.addProperty("preserveFocusHint", false);
        if (description != null) {
            body.addProperty("description", description);
            body.addProperty("text", description);
        }
        event("stopped", body);
        return true;
    }

    private void forget(int threadId) {
        stopped.remove(threadId);
        stoppedByEvent.remove(threadId);
        frames.values().removeIf(f -> f.threadId() == threadId);
        values.clear();
    }

    private void resumeAll() {
        List<Integer> resumed = new ArrayList<>(stopped.keySet());
        for (ThreadReference t : stopped.values()) {
            try {
                t.resume();
            } catch (RuntimeException e) {
                // ended or gone with the JVM
            }
        }
        stopped.clear();
        stoppedByEvent.clear();
        frames.clear();
        values.clear();
        // One event per thread: JupyterLab forgets a stopped thread by the id a continued event names.
        resumed.forEach(id -> continued(id, true));
    }

    private void continued(int threadId, boolean all) {
        JsonObject body = new JsonObject();
        body.addProperty("threadId", threadId);
        body.addProperty("allThreadsContinued", all);
        event("continued", body);
    }

    // ---- messages -------------------------------------------------------------------------------

    private void event(String name, JsonObject body) {
        JsonObject e = new JsonObject();
        e.addProperty("seq", ++seq);
        e.addProperty("type", "event");
        e.addProperty("event", name);
        e.add("body", body);
        events.accept(e);
    }

    private JsonObject ok(JsonObject request, JsonObject body) {
        JsonObject r = response(request, true);
        r.add("body", body == null ? new JsonObject() : body);
        return r;
    }

    private JsonObject fail(JsonObject request, String message) {
        JsonObject r = response(request, false);
        r.addProperty("message", message);
        return r;
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

    private static String string(JsonObject o, String name) {
        JsonElement e = o.get(name);
        return e != null && e.isJsonPrimitive() ? e.getAsString() : "";
    }

    private static int integer(JsonObject o, String name, int fallback) {
        JsonElement e = o.get(name);
        try {
            return e != null && e.isJsonPrimitive() ? e.getAsInt() : fallback;
        } catch (NumberFormatException ex) {
            return fallback;
        }
    }
}
