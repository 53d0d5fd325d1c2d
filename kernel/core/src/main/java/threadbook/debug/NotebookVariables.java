package threadbook.debug;

import com.google.gson.JsonObject;
import com.sun.jdi.Field;
import com.sun.jdi.LocalVariable;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import com.sun.jdi.VirtualMachine;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import threadbook.jshell.DebugTarget;

/**
 * The notebook's variables as the agent JVM holds them (static fields of JShell's wrapper classes), and
 * names looked up as a cell would: a local of the stopped frame first, then a notebook variable.
 */
final class NotebookVariables {
    private final Supplier<DebugTarget> session;
    private final Values values;

    NotebookVariables(Supplier<DebugTarget> session, Values values) {
        this.session = session;
        this.values = values;
    }

    private VirtualMachine vm() {
        DebugTarget s = session.get();
        return s == null ? null : s.virtualMachine();
    }

    /** The notebook's variables, as a cell would see them. */
    List<JsonObject> globals(ThreadReference invoker) {
        List<JsonObject> list = new ArrayList<>();
        VirtualMachine vm = vm();
        DebugTarget s = session.get();
        if (vm == null || s == null) {
            return list;
        }
        for (threadbook.jshell.NotebookVariable v : s.notebookVariables()) {
            Value value = value(vm, v);
            if (value != null || !vm.classesByName(v.className()).isEmpty()) {
                list.add(values.variable(v.name(), v.type(), value, invoker));
            }
        }
        return list;
    }

    /** Object id → the notebook variable that holds that object, to name locks. */
    Map<Long, String> lockNames() {
        Map<Long, String> names = new HashMap<>();
        VirtualMachine vm = vm();
        DebugTarget s = session.get();
        if (vm == null || s == null) {
            return names;
        }
        for (threadbook.jshell.NotebookVariable v : s.notebookVariables()) {
            try {
                if (value(vm, v) instanceof ObjectReference o) {
                    names.putIfAbsent(o.uniqueID(), v.name());
                }
            } catch (RuntimeException e) {
                // not readable now
            }
        }
        return names;
    }

    /** Whether {@code name} is a local of the frame or a notebook variable (its value may be null). */
    boolean known(String name, SuspendedThreads.Frame frame) {
        if (frame != null) {
            try {
                if (frame.thread().frame(frame.index()).visibleVariableByName(name) != null) {
                    return true;
                }
            } catch (Exception e) {
                // fall through to the notebook's variables
            }
        }
        DebugTarget s = session.get();
        return s != null && s.notebookVariables().stream().anyMatch(v -> v.name().equals(name));
    }

    /** Whether {@code name} is a local variable of the frame (not a notebook variable). */
    boolean isLocal(String name, SuspendedThreads.Frame frame) {
        try {
            return frame.thread().frame(frame.index()).visibleVariableByName(name) != null;
        } catch (Exception e) {
            return false;
        }
    }

    /** A name's value: a local of the frame first, then a notebook variable. */
    Value lookup(String name, SuspendedThreads.Frame frame) {
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
        DebugTarget s = session.get();
        if (vm == null || s == null) {
            return null;
        }
        for (threadbook.jshell.NotebookVariable v : s.notebookVariables()) {
            if (v.name().equals(name)) {
                return value(vm, v);
            }
        }
        return null;
    }

    private static Value value(VirtualMachine vm, threadbook.jshell.NotebookVariable v) {
        for (ReferenceType type : vm.classesByName(v.className())) {
            Field f = type.fieldByName(v.name());
            if (f != null && f.isStatic()) {
                return type.getValue(f);
            }
        }
        return null;
    }
}
