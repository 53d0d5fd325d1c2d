package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.sun.jdi.Location;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.ExceptionEvent;
import com.sun.jdi.event.StepEvent;
import com.sun.jdi.request.StepRequest;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;
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
 *
 * <p>This class dispatches requests and JDI events under one lock; the parts it hands them to
 * ({@link Breakpoints}, {@link StoppedThreads}, {@link CallStack}, {@link Scopes}, {@link Evaluation},
 * {@link ThreadEvents}, {@link Stepping}) rely on that lock.
 */
public final class Debugger {
    private static final Logger LOG = Logger.getLogger(Debugger.class.getName());

    private final Object lock = new Object();
    private final CellSources cells;
    private final Values values = new Values();
    private final Threads threads = new Threads();
    private final Replies replies;
    private final Breakpoints breakpoints;
    private final StoppedThreads stopped;
    private final ThreadEvents threadEvents;
    private final NotebookVariables notebook;
    private final CallStack callStack;
    private final Scopes scopes;
    private final Evaluation evaluation;

    // Guarded by lock.
    private JShellSession session;
    private boolean started;

    /** {@code events} publishes a debug_event's content on iopub. */
    public Debugger(Consumer<JsonObject> events) {
        String folder;
        try {
            folder = threadbook.agent.PrivateFolder.get().resolve("cells").toString();
        } catch (RuntimeException e) {
            folder = System.getProperty("java.io.tmpdir") + "/threadbook-cells";
        }
        // Only names: no file is written there (the kernel answers `source` from memory).
        this.cells = new CellSources(folder + java.io.File.separator + ProcessHandle.current().pid() + java.io.File.separator);
        Supplier<VirtualMachine> vm = this::vm;
        Supplier<JShellSession> currentSession = () -> session;
        this.replies = new Replies(events);
        this.breakpoints = new Breakpoints(vm, cells);
        this.stopped = new StoppedThreads(replies, threads, values);
        this.threadEvents = new ThreadEvents(vm, threads, stopped, replies);
        this.notebook = new NotebookVariables(currentSession, values);
        this.callStack = new CallStack(cells, stopped);
        this.scopes = new Scopes(vm, values, notebook);
        this.evaluation = new Evaluation(values, notebook);
    }

    // ---- hooks from the kernel ------------------------------------------------------------------

    /** A Java session started (the first, or after a restart): the debugger follows it from now on. */
    public void sessionStarted(JShellSession s) {
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
                    snippetDefined(className, wrapper, firstLine);
                }

                @Override
                public boolean event(EventSet set) {
                    return jdiEvent(set);
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
                return richInspect(request, args); // may wait for the agent: takes the lock itself
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

    private JsonObject threadsReply(JsonObject request) {
        JsonObject body = new JsonObject();
        body.add("threads", threadEvents.list());
        return replies.ok(request, body);
    }

    private JsonObject stackTrace(JsonObject request, JsonObject args) {
        int threadId = stopped.named(args, 1);
        if (stopped.get(threadId) == null) {
            return replies.fail(request, "Thread " + threadId + " is running: only a stopped thread has a call stack to show.");
        }
        try {
            return replies.ok(request, callStack.stackTrace(threadId,
                    Replies.integer(args, "startFrame", 0), Replies.integer(args, "levels", 0)));
        } catch (com.sun.jdi.IncompatibleThreadStateException e) {
            return replies.fail(request, "Thread " + threadId + " is running again.");
        }
    }

    private JsonObject scopes(JsonObject request, JsonObject args) {
        StoppedThreads.Frame frame = stopped.frame(Replies.integer(args, "frameId", -1));
        if (frame == null) {
            return replies.fail(request, "That frame is gone: the thread has run on since.");
        }
        JsonObject body = new JsonObject();
        body.add("scopes", scopes.of(frame, stopped.invoker(frame)));
        return replies.ok(request, body);
    }

    private JsonObject variables(JsonObject request, JsonObject args) {
        JsonObject body = new JsonObject();
        body.add("variables", Values.array(values.children(Replies.integer(args, "variablesReference", 0))));
        return replies.ok(request, body);
    }

    /**
     * continue (depth -1), or a step. A step moves the one thread, the others stay as they are. continue,
     * as DAP has it, lets every stopped thread go on unless {@code singleThread} is asked (JupyterLab sends
     * continue with whichever thread it shows next, having dropped the one it shows now).
     */
    private JsonObject resume(JsonObject request, JsonObject args, int depth) {
        int threadId = stopped.named(args, 1);
        ThreadReference thread = stopped.get(threadId);
        if (depth < 0) {
            boolean single = args.has("singleThread") && args.get("singleThread").getAsBoolean();
            if (stopped.isEmpty() || single && thread == null) {
                return replies.fail(request, "Thread " + threadId + " is not stopped.");
            }
            if (single) {
                stopped.forget(threadId);
                thread.resume();
                replies.continued(threadId, false);
            } else {
                stopped.resumeAll();
            }
            JsonObject body = new JsonObject();
            body.addProperty("allThreadsContinued", !single);
            return replies.ok(request, body);
        }
        if (thread == null) {
            return replies.fail(request, "Thread " + threadId + " is not stopped.");
        }
        Stepping.step(thread, depth);
        stopped.forget(threadId);
        thread.resume();
        return replies.ok(request, null);
    }

    private JsonObject pause(JsonObject request, JsonObject args) {
        VirtualMachine vm = vm();
        if (vm == null) {
            return replies.fail(request, "The Java process is not running.");
        }
        List<ThreadReference> all = Threads.user(vm);
        for (ThreadReference t : all) {
            int id = threads.id(t);
            if (!stopped.contains(id)) {
                t.suspend();
                stopped.paused(id, t);
            }
        }
        Threads.Deadlock cycle = Threads.deadlock(all, notebook.lockNames());
        String deadlock = cycle == null ? null : cycle.text();
        if (deadlock == null && session != null) {
            deadlock = session.deadlockReport(); // java.util.concurrent locks, which are not monitors
        }
        int threadId = Replies.integer(args, "threadId", 1);
        if (cycle != null) {
            threadId = threads.id(cycle.cycle().get(0)); // show where a deadlocked thread is stuck
        }
        if (!stopped.contains(threadId) && !stopped.isEmpty()) {
            threadId = stopped.all().keySet().iterator().next();
        }
        JsonObject body = new JsonObject();
        body.addProperty("reason", "pause");
        body.addProperty("threadId", threadId);
        body.addProperty("allThreadsStopped", true);
        if (deadlock != null) {
            body.addProperty("description", deadlock);
            body.addProperty("text", deadlock);
        }
        JsonObject reply = replies.ok(request, null);
        replies.event("stopped", body);
        return reply;
    }

    private JsonObject evaluate(JsonObject request, JsonObject args) {
        StoppedThreads.Frame frame = stopped.frame(Replies.integer(args, "frameId", -1));
        Evaluation.Answer a = evaluation.evaluate(Replies.string(args, "expression").strip(), frame, stopped.invoker(frame));
        return a.failure() != null ? replies.fail(request, a.failure()) : replies.ok(request, a.body());
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

    private JsonObject inspectVariables(JsonObject request) {
        values.clear();
        JsonObject body = new JsonObject();
        body.add("variables", Values.array(notebook.globals(null)));
        return replies.ok(request, body);
    }

    /**
     * A variable's MIME bundle, as a cell ending in it would show it. Stopped at a breakpoint, the
     * stopped thread renders it; between cells the agent does, asked outside the lock (its answer may
     * take a moment and a JDI event meanwhile needs the lock). Otherwise, text/plain and a note why.
     */
    private JsonObject richInspect(JsonObject request, JsonObject args) {
        String name = Replies.string(args, "variableName");
        JsonObject body;
        RichForms.Result rich = null;
        JShellSession askAgent = null;
        synchronized (lock) {
            StoppedThreads.Frame frame = stopped.frame(Replies.integer(args, "frameId", -1));
            ThreadReference invoker = stopped.invoker(frame);
            body = evaluation.richInspect(name, frame, invoker);
            if (!body.getAsJsonObject("data").has("text/plain")) {
                return replies.ok(request, body);
            }
            if (invoker != null) {
                rich = RichForms.inStopped(invoker, notebook.lookup(name, frame));
            } else if (session != null && !session.isRunningJava() && (frame == null || !notebook.isLocal(name, frame))) {
                askAgent = session;
            } else {
                rich = new RichForms.Result(null, "a cell is running and no thread is stopped at a breakpoint"
                        + " to render the value in: text only");
            }
        }
        if (askAgent != null) {
            rich = RichForms.between(askAgent, name);
        }
        RichForms.addTo(body.getAsJsonObject("data"), rich.bundle());
        if (rich.note() != null) {
            body.addProperty("note", rich.note());
        }
        synchronized (lock) {
            return replies.ok(request, body);
        }
    }

    // ---- JDI side -------------------------------------------------------------------------------

    private VirtualMachine vm() {
        JShellSession s = session;
        return s == null ? null : s.virtualMachine();
    }

    private void snippetDefined(String className, SnippetWrapper wrapper, int firstLine) {
        CellSources.Snippet s = cells.define(className, wrapper, firstLine);
        if (s == null) {
            return;
        }
        synchronized (lock) {
            if (started && breakpoints.inCell(s.path())) {
                breakpoints.applyToLoaded(s);
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
                    threadEvents.event(begun.thread(), "started");
                } else if (e instanceof com.sun.jdi.event.ThreadDeathEvent ended && started) {
                    threadEvents.event(ended.thread(), "exited");
                } else if (e instanceof ClassPrepareEvent prepared) {
                    breakpoints.prepared(prepared.referenceType());
                } else if (e instanceof BreakpointEvent hit && started) {
                    keep |= stopped.stop(hit.thread(), "breakpoint", null);
                } else if (e instanceof StepEvent step) {
                    StepRequest done = (StepRequest) step.request();
                    set.virtualMachine().eventRequestManager().deleteEventRequest(done);
                    if (cells.place(step.location().declaringType().name(), step.location().lineNumber()) == null) {
                        Stepping.onward(step.thread());
                        continue;
                    }
                    if (Stepping.sameLine(done, step.location(), frameCount(step.thread()),
                            l -> cells.place(l.declaringType().name(), l.lineNumber()))) {
                        Stepping.again(step.thread(), done);
                        continue;
                    }
                    keep |= started && stopped.stop(step.thread(), "step", null);
                } else if (e instanceof ExceptionEvent thrown && started) {
                    Location c = thrown.catchLocation();
                    String catcher = c == null ? null : c.declaringType().name();
                    if (catcher == null || CallStack.MACHINERY.stream().anyMatch(catcher::startsWith)
                            && CallStack.passesNotebookCode(thrown.thread(), catcher)) {
                        keep |= stopped.stop(thrown.thread(), "exception", thrown.exception().referenceType().name());
                    }
                }
            }
            return keep;
        }
    }

    private static int frameCount(ThreadReference thread) {
        try {
            return thread.frameCount();
        } catch (com.sun.jdi.IncompatibleThreadStateException e) {
            return -1;
        }
    }
}
