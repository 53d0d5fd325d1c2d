package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.request.StepRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;
import threadbook.jshell.DebugHooks;
import threadbook.jshell.DebugTarget;

/**
 * JupyterLab's debugger for the notebook: the Debug Adapter Protocol requests that arrive in
 * debug_request messages (Jupyter messaging 5.5), answered over JDI in the agent JVM that runs the cells.
 * Replies and events have the shapes ipykernel's debugger gives them. A breakpoint stops only the thread
 * that reaches it (the others run on, so one thread can be held inside a synchronized block while another
 * blocks on it); pause stops them all and names a deadlock if there is one.
 *
 * <p>This class follows the kernel's session and dispatches requests under one lock; the parts it
 * hands them to ({@link ThreadControl}, {@link VariableRequests}, {@link Breakpoints}, and the JDI
 * events' {@link JdiEventHandler}) rely on that lock.
 */
public final class Debugger {
    private static final Logger LOG = Logger.getLogger(Debugger.class.getName());

    private final Object lock = new Object();
    private final CellSources cells;
    private final PanelCalls calls = new PanelCalls();
    private final Values values = new Values(calls);
    private final Threads threads = new Threads();
    private final Replies replies;
    private final Breakpoints breakpoints;
    private final SuspendedThreads stopped;
    private final ThreadEvents threadEvents;
    private final NotebookVariables notebook;
    private final CallStack callStack;
    private final ThreadControl threadControl;
    private final VariableRequests variables;
    private final JdiEventHandler jdi;

    // Guarded by lock.
    private DebugTarget session;
    private boolean started;

    /** {@code events} publishes a debug_event's content on iopub. */
    public Debugger(Consumer<JsonObject> events) {
        String folder;
        try {
            folder = threadbook.host.PrivateFolder.get().resolve("cells").toString();
        } catch (RuntimeException e) {
            folder = System.getProperty("java.io.tmpdir") + "/threadbook-cells";
        }
        // Only names: no file is written there (the kernel answers `source` from memory).
        this.cells = new CellSources(folder + java.io.File.separator + ProcessHandle.current().pid() + java.io.File.separator);
        Supplier<VirtualMachine> vm = this::vm;
        Supplier<DebugTarget> currentSession = () -> session;
        this.replies = new Replies(events);
        this.breakpoints = new Breakpoints(vm, cells);
        this.stopped = new SuspendedThreads(replies, threads, values);
        this.threadEvents = new ThreadEvents(vm, threads, stopped, replies);
        this.notebook = new NotebookVariables(currentSession, values);
        this.callStack = new CallStack(cells, stopped);
        this.threadControl = new ThreadControl(vm, currentSession, threads, stopped, threadEvents, callStack, notebook, replies);
        this.variables = new VariableRequests(lock, currentSession, stopped, values, calls, notebook,
                new Scopes(vm, values, notebook), new Evaluation(values, notebook), replies);
        this.jdi = new JdiEventHandler(lock, () -> started, cells, breakpoints, stopped, threadEvents, calls);
    }

    // ---- hooks from the kernel ------------------------------------------------------------------

    /** A Java session started (the first, or after a restart): the debugger follows it from now on. */
    public void sessionStarted(DebugTarget s) {
        synchronized (lock) {
            session = s;
            breakpoints.sessionStarted();
            List<Integer> wereStopped = stopped.clear();
            threads.clear();
            cells.forgetClasses();
            // The threads stopped in the Java process that ended are gone: the panels must let go of them.
            wereStopped.forEach(id -> replies.continued(id, true));
            s.debug(new DebugHooks() {
                @Override
                public void snippet(String className, SnippetWrapper wrapper, int firstLine) {
                    jdi.snippetDefined(className, wrapper, firstLine);
                }

                @Override
                public boolean event(EventSet set) {
                    return jdi.event(set);
                }
            });
            threadEvents.stop(false);
            // What the new session defined again before it was followed: methods of earlier cells keep
            // their cells (their breakpoints work without running those cells again).
            List<CellSources.Snippet> again = new ArrayList<>();
            for (SnippetWrapper w : s.liveWrappers()) {
                CellSources.Snippet snippet = cells.redefined(w.fullClassName(), w);
                if (snippet != null) {
                    again.add(snippet);
                }
            }
            if (started) {
                threadEvents.follow();
                if (!breakpoints.isEmpty()) {
                    breakpoints.ensurePrepareRequest();
                }
                again.stream().filter(snippet -> breakpoints.inCell(snippet.path())).forEach(breakpoints::applyToLoaded);
            }
        }
    }

    /** A cell is about to run: its snippets are that cell's; a step left pending by the last cell ends. */
    public void beforeExecute(String code) {
        cells.running(code);
        synchronized (lock) {
            VirtualMachine vm = vm();
            if (vm != null) {
                Stepping.cancelAll(vm.eventRequestManager());
            }
            breakpoints.enable(true);
        }
    }

    /**
     * The user pressed ■: threads held at a breakpoint run on so the stop can reach them, and breakpoints
     * rest until the next cell (they would hold the interrupted code again before it ends).
     */
    public void interrupted() {
        synchronized (lock) {
            breakpoints.enable(false);
            stopped.resumeAll();
        }
    }

    // ---- requests -------------------------------------------------------------------------------

    /** Answers one DAP request (the debug_request's content); returns the debug_reply's content. */
    public JsonObject handle(JsonObject request) {
        String command = Replies.string(request, "command");
        JsonObject args = request.has("arguments") && request.get("arguments").isJsonObject()
                ? request.getAsJsonObject("arguments") : new JsonObject();
        try {
            if (command.equals("richInspectVariables")) {
                return variables.richInspect(request, args); // may wait for the agent: takes the lock itself
            }
            synchronized (lock) {
                return switch (command) {
                    case "initialize" -> initialize(request);
                    case "attach" -> attach(request);
                    case "disconnect" -> disconnect(request);
                    case "debugInfo" -> replies.ok(request,
                            Capabilities.debugInfo(started, cells.prefix(), breakpoints, stopped.all().keySet()));
                    case "dumpCell" -> dumpCell(request, args);
                    case "configurationDone" -> replies.ok(request, null);
                    case "setBreakpoints" -> needsStart(request, () -> setBreakpoints(request, args));
                    case "setExceptionBreakpoints" -> needsStart(request, () -> setExceptionBreakpoints(request, args));
                    case "threads" -> needsStart(request, () -> threadControl.threadsReply(request));
                    case "stackTrace" -> needsStart(request, () -> threadControl.stackTrace(request, args));
                    case "scopes" -> needsStart(request, () -> variables.scopes(request, args));
                    case "variables" -> variables.variables(request, args);
                    case "continue" -> needsStart(request, () -> threadControl.resume(request, args, -1));
                    case "next" -> needsStart(request, () -> threadControl.resume(request, args, StepRequest.STEP_OVER));
                    case "stepIn" -> needsStart(request, () -> threadControl.resume(request, args, StepRequest.STEP_INTO));
                    case "stepOut" -> needsStart(request, () -> threadControl.resume(request, args, StepRequest.STEP_OUT));
                    case "pause" -> needsStart(request, () -> threadControl.pause(request, args));
                    case "evaluate" -> variables.evaluate(request, args);
                    case "source" -> source(request, args);
                    case "modules" -> modules(request);
                    case "inspectVariables" -> variables.inspectVariables(request);
                    default -> replies.fail(request, "The debugger does not know the request '" + command + "'.");
                };
            }
        } catch (com.sun.jdi.VMDisconnectedException e) {
            return replies.fail(request, "The Java process has ended (restarted or crashed); run the cell again.");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "debug request " + command + " failed", e);
            return replies.fail(request, "The debugger could not answer " + command + ": " + e);
        }
    }

    private JsonObject needsStart(JsonObject request, Supplier<JsonObject> answer) {
        if (!started) {
            return replies.fail(request, "The debugger is not on: send initialize and attach first.");
        }
        return answer.get();
    }

    private JsonObject initialize(JsonObject request) {
        started = true;
        threadEvents.follow();
        if (!breakpoints.isEmpty()) {
            breakpoints.ensurePrepareRequest();
        }
        return replies.ok(request, Capabilities.initialize());
    }

    private JsonObject attach(JsonObject request) {
        started = true;
        JsonObject reply = replies.ok(request, null);
        replies.event("initialized", new JsonObject());
        return reply;
    }

    private JsonObject disconnect(JsonObject request) {
        VirtualMachine vm = vm();
        if (vm != null) {
            Stepping.cancelAll(vm.eventRequestManager());
        }
        breakpoints.deleteAll();
        threadEvents.stop(true);
        stopped.resumeAll();
        started = false;
        return replies.ok(request, null);
    }

    private JsonObject dumpCell(JsonObject request, JsonObject args) {
        JsonObject body = new JsonObject();
        body.addProperty("sourcePath", cells.dump(Replies.string(args, "code")));
        return replies.ok(request, body);
    }

    private JsonObject setBreakpoints(JsonObject request, JsonObject args) {
        JsonObject source = args.has("source") ? args.getAsJsonObject("source") : new JsonObject();
        String path = Replies.string(source, "path");
        List<Integer> lines = new ArrayList<>();
        if (args.has("breakpoints")) {
            for (JsonElement e : args.getAsJsonArray("breakpoints")) {
                lines.add(e.getAsJsonObject().get("line").getAsInt());
            }
        } else if (args.has("lines")) {
            args.getAsJsonArray("lines").forEach(e -> lines.add(e.getAsInt()));
        }
        breakpoints.set(path, lines);
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
        return replies.ok(request, body);
    }

    private JsonObject setExceptionBreakpoints(JsonObject request, JsonObject args) {
        boolean on = args.has("filters") && args.getAsJsonArray("filters").size() > 0;
        breakpoints.setExceptions(on, CallStack.MACHINERY_THROWS);
        JsonObject body = new JsonObject();
        body.add("breakpoints", new JsonArray());
        return replies.ok(request, body);
    }

    private JsonObject source(JsonObject request, JsonObject args) {
        JsonObject source = args.has("source") ? args.getAsJsonObject("source") : new JsonObject();
        String code = cells.code(Replies.string(source, "path"));
        if (code == null) {
            JsonObject reply = replies.fail(request, "source unavailable");
            reply.add("body", new JsonObject());
            return reply;
        }
        JsonObject body = new JsonObject();
        body.addProperty("content", code);
        return replies.ok(request, body);
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
        return replies.ok(request, body);
    }

    // ---- JDI side -------------------------------------------------------------------------------

    private VirtualMachine vm() {
        DebugTarget s = session;
        return s == null ? null : s.virtualMachine();
    }

}
