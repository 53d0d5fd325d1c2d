package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.jdi.ArrayReference;
import com.sun.jdi.ClassType;
import com.sun.jdi.Field;
import com.sun.jdi.IncompatibleThreadStateException;
import com.sun.jdi.Method;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.PrimitiveValue;
import com.sun.jdi.StringReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The Variables panel's values: JDI values in the words a cell would print them, and the numbered
 * references through which the panel opens an object's fields, an array's or a collection's elements.
 * References live until the program runs on (then every value may have changed).
 */
final class Values {
    private static final int MAX_CHILDREN = 100;
    private static final int MAX_TEXT = 300;

    private final PanelCalls calls;
    private final Map<Integer, Supplier<List<JsonObject>>> children = new HashMap<>();
    private int next = 1;

    Values(PanelCalls calls) {
        this.calls = calls;
    }

    synchronized int register(Supplier<List<JsonObject>> list) {
        int id = next++;
        children.put(id, list);
        return id;
    }

    synchronized void clear() {
        children.clear();
    }

    List<JsonObject> children(int reference) {
        Supplier<List<JsonObject>> s;
        synchronized (this) {
            s = children.get(reference);
        }
        return s == null ? List.of() : s.get();
    }

    /**
     * A variable of the panel. {@code thread}, when not null, is suspended by a breakpoint or a step:
     * then toString() runs in it (in it alone) for the value's text, as a cell would show it.
     */
    JsonObject variable(String name, String declaredType, Value value, ThreadReference thread) {
        JsonObject v = new JsonObject();
        v.addProperty("name", name);
        String text = text(value, thread);
        v.addProperty("value", text);
        String type = panelType(value, declaredType, text);
        if (type != null) {
            v.addProperty("type", type);
        }
        v.addProperty("evaluateName", name);
        v.addProperty("variablesReference", reference(value, thread));
        return v;
    }

    /** A line of text in the panel (a thread's state, the lock it waits for) with optional children. */
    JsonObject note(String name, String text, int reference) {
        JsonObject v = new JsonObject();
        v.addProperty("name", name);
        v.addProperty("value", text);
        // No type: JupyterLab's Variables tree then shows the text itself.
        v.addProperty("variablesReference", reference);
        return v;
    }

    /**
     * The type the panel is told. JupyterLab's Variables tree shows a row's value only for the types
     * "int", "float", "bool" and "str" (and when there is no type); for any other type it shows the type's
     * name instead. So Java's primitive and boxed values, strings and chars get those names (a long too big
     * for a JavaScript number travels as "str", shown as written), null gets none (the tree shows "null"),
     * and objects keep their Java class, as ipykernel's objects keep theirs.
     */
    static String panelType(Value value, String declaredType, String text) {
        if (value == null) {
            return null;
        }
        String name = value.type().name();
        switch (name) {
            case "java.lang.Byte", "java.lang.Short", "java.lang.Integer", "byte", "short", "int":
                return "int";
            case "java.lang.Long", "long":
                try {
                    return Math.abs(Long.parseLong(text)) <= (1L << 53) ? "int" : "str";
                } catch (NumberFormatException e) {
                    return "str";
                }
            case "java.lang.Float", "java.lang.Double", "float", "double":
                return "float";
            case "java.lang.Boolean", "boolean":
                return "bool";
            case "java.lang.String", "java.lang.Character", "char":
                return "str";
            default:
                return name;
        }
    }

    String text(Value value, ThreadReference thread) {
        if (value == null) {
            return "null";
        }
        if (value instanceof StringReference s) {
            return quote(s.value());
        }
        if (value instanceof PrimitiveValue) {
            return value instanceof com.sun.jdi.CharValue c ? "'" + c.value() + "'" : value.toString();
        }
        if (value instanceof ArrayReference a) {
            String type = a.type().name();
            int bracket = type.indexOf('[');
            return type.substring(0, bracket + 1) + a.length() + type.substring(bracket + 1);
        }
        ObjectReference o = (ObjectReference) value;
        Value boxed = boxedValue(o);
        if (boxed != null) {
            return text(boxed, null);
        }
        if (thread != null) {
            String shown = invokeToString(o, thread);
            if (shown != null) {
                return shown.length() > MAX_TEXT ? shown.substring(0, MAX_TEXT) + "…" : shown;
            }
        }
        String simple = o.referenceType().name();
        simple = simple.substring(simple.lastIndexOf('.') + 1);
        Integer size = intField(o, "size");
        return size != null ? simple + " (size " + size + ")" : simple + "@" + o.uniqueID();
    }

    private int reference(Value value, ThreadReference thread) {
        if (value instanceof ArrayReference a) {
            return a.length() == 0 ? 0 : register(() -> elements(a.getValues(0, Math.min(a.length(), MAX_CHILDREN)), thread));
        }
        if (!(value instanceof ObjectReference o) || value instanceof StringReference || boxedValue(o) != null) {
            return 0;
        }
        return register(() -> {
            List<JsonObject> elements = thread == null ? null : collectionElements(o, thread);
            return elements != null ? elements : fields(o, thread);
        });
    }

    private List<JsonObject> elements(List<Value> values, ThreadReference thread) {
        List<JsonObject> list = new ArrayList<>();
        for (int i = 0; i < values.size(); i++) {
            Value v = values.get(i);
            list.add(variable("[" + i + "]", v == null ? "" : v.type().name(), v, thread));
        }
        return list;
    }

    private List<JsonObject> fields(ObjectReference o, ThreadReference thread) {
        List<JsonObject> list = new ArrayList<>();
        for (Field f : o.referenceType().allFields()) {
            if (f.isStatic() || f.isSynthetic()) {
                continue;
            }
            list.add(variable(f.name(), f.typeName(), o.getValue(f), thread));
            if (list.size() >= MAX_CHILDREN) {
                break;
            }
        }
        return list;
    }

    /** A collection's elements (a map's entries), through toArray() in the stopped thread; null if not one. */
    private List<JsonObject> collectionElements(ObjectReference o, ThreadReference thread) {
        try {
            ObjectReference target = o;
            if (implementsType(o, "java.util.Map")) {
                target = (ObjectReference) invoke(o, thread, "entrySet", "()Ljava/util/Set;");
            } else if (!implementsType(o, "java.util.Collection")) {
                return null;
            }
            if (target == null) {
                return null;
            }
            Value array = invoke(target, thread, "toArray", "()[Ljava/lang/Object;");
            if (!(array instanceof ArrayReference a)) {
                return null;
            }
            return elements(a.getValues(0, Math.min(a.length(), MAX_CHILDREN)), thread);
        } catch (Exception e) {
            return null;
        }
    }

    private static boolean implementsType(ObjectReference o, String name) {
        if (!(o.referenceType() instanceof ClassType c)) {
            return false;
        }
        return c.allInterfaces().stream().anyMatch(i -> i.name().equals(name));
    }

    private String invokeToString(ObjectReference o, ThreadReference thread) {
        try {
            // A lock held by another thread would keep toString waiting, and the panel with it.
            ThreadReference owner = o.owningThread();
            if (owner != null && !owner.equals(thread)) {
                return null;
            }
            Value v = invoke(o, thread, "toString", "()Ljava/lang/String;");
            return v instanceof StringReference s ? s.value() : null;
        } catch (Exception e) {
            return null;
        }
    }

    private Value invoke(ObjectReference o, ThreadReference thread, String name, String signature) throws Exception {
        List<Method> methods = ((ClassType) o.referenceType()).methodsByName(name, signature);
        if (methods.isEmpty() || !thread.isSuspended()) {
            throw new IncompatibleThreadStateException();
        }
        return calls.call(thread, () -> o.invokeMethod(thread, methods.get(0), List.of(), ObjectReference.INVOKE_SINGLE_THREADED));
    }

    private static final java.util.Set<String> BOXES = java.util.Set.of("java.lang.Integer", "java.lang.Long",
            "java.lang.Short", "java.lang.Byte", "java.lang.Character", "java.lang.Boolean", "java.lang.Double",
            "java.lang.Float");

    private static Value boxedValue(ObjectReference o) {
        if (!BOXES.contains(o.referenceType().name())) {
            return null;
        }
        Field f = o.referenceType().fieldByName("value");
        return f == null ? null : o.getValue(f);
    }

    private static Integer intField(ObjectReference o, String name) {
        try {
            Field f = o.referenceType().fieldByName(name);
            return f != null && o.getValue(f) instanceof com.sun.jdi.IntegerValue i ? i.value() : null;
        } catch (RuntimeException e) {
            return null;
        }
    }

    static String quote(String s) {
        StringBuilder b = new StringBuilder("\"");
        for (char c : s.toCharArray()) {
            switch (c) {
                case '"' -> b.append("\\\"");
                case '\\' -> b.append("\\\\");
                case '\n' -> b.append("\\n");
                case '\t' -> b.append("\\t");
                case '\r' -> b.append("\\r");
                default -> b.append(c);
            }
            if (b.length() > MAX_TEXT) {
                return b.append("…\"").toString();
            }
        }
        return b.append('"').toString();
    }

    static JsonArray array(List<JsonObject> list) {
        JsonArray a = new JsonArray();
        list.forEach(a::add);
        return a;
    }
}
