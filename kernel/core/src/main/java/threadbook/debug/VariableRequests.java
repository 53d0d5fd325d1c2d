package threadbook.debug;

import com.google.gson.JsonObject;
import com.sun.jdi.ThreadReference;
import java.util.function.Supplier;
import threadbook.jshell.DebugTarget;

/**
 * The requests of the Variables panel and the debug console: scopes, variables, evaluate,
 * inspectVariables (used under the debugger's lock) and richInspectVariables (which takes that lock
 * itself: it may wait for the agent).
 */
final class VariableRequests {
    private final Object lock;
    private final Supplier<DebugTarget> session;
    private final SuspendedThreads stopped;
    private final Values values;
    private final PanelCalls calls;
    private final NotebookVariables notebook;
    private final Scopes scopes;
    private final Evaluation evaluation;
    private final Replies replies;

    VariableRequests(Object lock, Supplier<DebugTarget> session, SuspendedThreads stopped, Values values, PanelCalls calls,
            NotebookVariables notebook, Scopes scopes, Evaluation evaluation, Replies replies) {
        this.lock = lock;
        this.session = session;
        this.stopped = stopped;
        this.values = values;
        this.calls = calls;
        this.notebook = notebook;
        this.scopes = scopes;
        this.evaluation = evaluation;
        this.replies = replies;
    }

    JsonObject scopes(JsonObject request, JsonObject args) {
        SuspendedThreads.Frame frame = stopped.frame(Replies.integer(args, "frameId", -1));
        if (frame == null) {
            return replies.fail(request, "That frame is gone: the thread has run on since.");
        }
        JsonObject body = new JsonObject();
        body.add("scopes", scopes.of(frame, stopped.invoker(frame)));
        return replies.ok(request, body);
    }

    JsonObject variables(JsonObject request, JsonObject args) {
        JsonObject body = new JsonObject();
        body.add("variables", Values.array(values.children(Replies.integer(args, "variablesReference", 0))));
        return replies.ok(request, body);
    }

    JsonObject evaluate(JsonObject request, JsonObject args) {
        SuspendedThreads.Frame frame = stopped.frame(Replies.integer(args, "frameId", -1));
        Evaluation.Answer a = evaluation.evaluate(Replies.string(args, "expression").strip(), frame, stopped.invoker(frame));
        return a.failure() != null ? replies.fail(request, a.failure()) : replies.ok(request, a.body());
    }

    JsonObject inspectVariables(JsonObject request) {
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
    JsonObject richInspect(JsonObject request, JsonObject args) {
        String name = Replies.string(args, "variableName");
        JsonObject body;
        RichForms.Result rich = null;
        DebugTarget askAgent = null;
        synchronized (lock) {
            DebugTarget current = session.get();
            SuspendedThreads.Frame frame = stopped.frame(Replies.integer(args, "frameId", -1));
            ThreadReference invoker = stopped.invoker(frame);
            body = evaluation.richInspect(name, frame, invoker);
            if (!body.getAsJsonObject("data").has("text/plain")) {
                return replies.ok(request, body);
            }
            if (invoker != null) {
                rich = RichForms.inStopped(invoker, notebook.lookup(name, frame), calls);
            } else if (current != null && !current.isRunningJava() && (frame == null || !notebook.isLocal(name, frame))) {
                askAgent = current;
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
}
