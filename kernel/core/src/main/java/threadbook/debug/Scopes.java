package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.LocalVariable;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Variables panel's scopes of a stopped frame: Locals, Globals (the notebook's variables), Thread
 * (its state, the locks it holds and the one it waits for) and Threads (every thread of the notebook).
 */
final class Scopes {
    private final Supplier<VirtualMachine> vm;
    private final Values values;
    private final NotebookVariables notebook;

    Scopes(Supplier<VirtualMachine> vm, Values values, NotebookVariables notebook) {
        this.vm = vm;
        this.values = values;
        this.notebook = notebook;
    }

    /** The scopes reply's list; {@code invoker} may run toString (null: it may not). */
    JsonArray of(SuspendedThreads.Frame frame, ThreadReference invoker) {
        JsonArray list = new JsonArray();
        list.add(scope("Locals", values.register(() -> locals(frame, invoker))));
        list.add(scope("Globals", values.register(() -> notebook.globals(invoker))));
        list.add(scope("Thread", values.register(() -> thread(frame.thread()))));
        list.add(scope("Threads", values.register(this::allThreads)));
        return list;
    }

    private static JsonObject scope(String name, int reference) {
        JsonObject s = new JsonObject();
        s.addProperty("name", name);
        s.addProperty("variablesReference", reference);
        s.addProperty("expensive", false);
        return s;
    }

    private List<JsonObject> locals(SuspendedThreads.Frame frame, ThreadReference invoker) {
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

    /** A thread's state and locks; a running thread is suspended for the moment it takes to read them. */
    private List<JsonObject> thread(ThreadReference t) {
        List<JsonObject> list = new ArrayList<>();
        boolean wasSuspended = t.isSuspended();
        if (!wasSuspended) {
            t.suspend();
        }
        try {
            Map<Long, String> names = notebook.lockNames();
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

    private List<JsonObject> allThreads() {
        List<JsonObject> list = new ArrayList<>();
        VirtualMachine v = vm.get();
        if (v == null) {
            return list;
        }
        for (ThreadReference t : Threads.user(v)) {
            List<JsonObject> detail = thread(t);
            String summary = detail.size() > 1 ? detail.get(1).get("value").getAsString() : "";
            String holds = detail.size() > 2 ? detail.get(2).get("value").getAsString() : "";
            list.add(values.note(t.name(), summary + ("no lock".equals(holds) ? "" : "; holds " + holds),
                    values.register(() -> thread(t))));
        }
        return list;
    }
}
