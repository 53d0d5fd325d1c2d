package threadbook.debug;

import com.google.gson.JsonObject;
import com.sun.jdi.ArrayReference;
import com.sun.jdi.ClassType;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StringReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import java.util.List;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import threadbook.agent.link.MimeBundle;
import threadbook.jshell.DebugTarget;

/**
 * richInspectVariables' MIME bundle: what a cell ending in that variable would show (HTML, an image...),
 * rendered by the agent's own renderer. Between cells the agent is asked through its link; while a cell
 * runs the link waits for the cell, so a thread stopped at a breakpoint runs the renderer over JDI.
 * Either way the answer is waited for {@value #SECONDS} s at most: a render() that never returns must
 * not hang the control channel.
 */
final class RichForms {
    private static final int SECONDS = PanelCalls.SECONDS;
    private static final String RENDERERS = "threadbook.agent.Renderers";

    /** The bundle's entries, or why there is only text/plain. */
    record Result(MimeBundle bundle, String note) {}

    private RichForms() {}

    /** Asks the agent (no cell runs): the notebook variable {@code name}'s bundle, or null if it has none. */
    static Result between(DebugTarget session, String name) {
        threadbook.jshell.NotebookVariable variable = session.notebookVariables().stream()
                .filter(v -> v.name().equals(name)).findFirst().orElse(null);
        if (variable == null) {
            return new Result(null, null);
        }
        FutureTask<MimeBundle> call = new FutureTask<>(() -> session.agent().richVariable(variable.className(), name));
        Thread runner = new Thread(call, "threadbook-debug-render");
        runner.setDaemon(true);
        runner.start();
        return answer(() -> call.get(SECONDS, TimeUnit.SECONDS), "the agent");
    }

    /** Runs the renderer in {@code thread}, stopped by a breakpoint or step, for {@code value}. */
    static Result inStopped(ThreadReference thread, Value value, PanelCalls calls) {
        if (!(value instanceof ObjectReference object) || value instanceof StringReference) {
            return new Result(null, null); // primitives, strings and null have no rich form
        }
        ClassType renderers = null;
        for (ReferenceType t : thread.virtualMachine().classesByName(RENDERERS)) {
            if (t instanceof ClassType c && c.isInitialized()) {
                renderers = c;
            }
        }
        List<Method> methods = renderers == null ? List.of() : renderers.methodsByName("flatBundle");
        if (methods.isEmpty() || !thread.isSuspended()) {
            return new Result(null, "the renderer is not loaded in the Java process yet: text only");
        }
        ClassType type = renderers;
        return answer(() -> calls.call(thread,
                () -> read(type.invokeMethod(thread, methods.get(0), List.of(object), ObjectReference.INVOKE_SINGLE_THREADED))),
                "the stopped thread");
    }

    private static MimeBundle read(Value flat) {
        if (!(flat instanceof ArrayReference array)) {
            return null;
        }
        List<Value> items = array.getValues();
        List<MimeBundle.Entry> entries = new java.util.ArrayList<>();
        for (int i = 0; i + 1 < items.size(); i += 2) {
            if (items.get(i) instanceof StringReference type && items.get(i + 1) instanceof StringReference data) {
                entries.add(new MimeBundle.Entry(type.value(), data.value()));
            }
        }
        return new MimeBundle(entries);
    }

    /** A render that is waited for {@value #SECONDS} s at most. */
    private interface Rendering {
        MimeBundle get() throws InterruptedException, java.util.concurrent.ExecutionException, java.util.concurrent.TimeoutException;
    }

    private static Result answer(Rendering rendering, String who) {
        try {
            return new Result(rendering.get(), null);
        } catch (java.util.concurrent.TimeoutException e) {
            return new Result(null, "the value's rich form took more than " + SECONDS + " s to render in " + who + ": text only");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Result(null, "interrupted: text only");
        } catch (java.util.concurrent.ExecutionException e) {
            Throwable cause = e.getCause();
            return new Result(null, "the value's rich form could not be rendered (" + cause.getMessage() + "): text only");
        }
    }

    /** Adds the bundle's entries to {@code data} (text/plain stays the debugger's own when there is one). */
    static void addTo(JsonObject data, MimeBundle bundle) {
        if (bundle == null) {
            return;
        }
        for (MimeBundle.Entry e : bundle.entries()) {
            if (!e.mimeType().equals("text/plain") || !data.has("text/plain")) {
                data.addProperty(e.mimeType(), e.data());
            }
        }
    }
}
