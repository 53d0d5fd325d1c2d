package threadbook.debug;

import com.google.gson.JsonObject;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * evaluate (hovers and the console) and richInspectVariables: a variable, its fields and array elements
 * (a, a.b, a[2]) read over JDI. Running other Java would change the program under the student's eyes.
 */
final class Evaluation {
    private static final String PATH = "[\\p{L}_$][\\p{L}\\p{N}_$]*(\\s*(\\.\\s*[\\p{L}_$][\\p{L}\\p{N}_$]*|\\[\\s*\\d+\\s*\\]))*";
    private static final Pattern PART = Pattern.compile("[\\p{L}_$][\\p{L}\\p{N}_$]*|\\d+");

    private final Values values;
    private final NotebookVariables notebook;

    Evaluation(Values values, NotebookVariables notebook) {
        this.values = values;
        this.notebook = notebook;
    }

    /** What evaluate answers: a body, or a message saying why not. */
    record Answer(JsonObject body, String failure) {}

    Answer evaluate(String expression, SuspendedThreads.Frame frame, ThreadReference invoker) {
        if (!expression.matches(PATH)) {
            return new Answer(null, "The debugger shows variables, their fields and array elements (a, a.b, a[2]);"
                    + " to run other Java, continue and write it in a cell.");
        }
        Matcher m = PART.matcher(expression);
        m.find();
        String first = m.group();
        Value value = notebook.lookup(first, frame);
        if (value == null && !notebook.known(first, frame)) {
            return new Answer(null, "There is no variable '" + first + "' here.");
        }
        while (m.find()) {
            String part = m.group();
            if (Character.isDigit(part.charAt(0))) {
                if (!(value instanceof com.sun.jdi.ArrayReference a) || Integer.parseInt(part) >= a.length()) {
                    return new Answer(null, "'" + expression + "': no element " + part + " there.");
                }
                value = a.getValue(Integer.parseInt(part));
            } else {
                if (!(value instanceof ObjectReference o) || o.referenceType().fieldByName(part) == null) {
                    return new Answer(null, "'" + expression + "': no field " + part + " there.");
                }
                value = o.getValue(o.referenceType().fieldByName(part));
            }
        }
        JsonObject v = values.variable(expression, "", value, invoker);
        JsonObject body = new JsonObject();
        body.addProperty("result", v.get("value").getAsString());
        body.add("type", v.get("type"));
        body.add("variablesReference", v.get("variablesReference"));
        return new Answer(body, null);
    }

    /** richInspectVariables' MIME bundle for a variable (empty if there is none of that name). */
    JsonObject richInspect(String name, SuspendedThreads.Frame frame, ThreadReference invoker) {
        JsonObject data = new JsonObject();
        if (notebook.known(name, frame)) {
            data.addProperty("text/plain", values.text(notebook.lookup(name, frame), invoker));
        }
        JsonObject body = new JsonObject();
        body.add("data", data);
        body.add("metadata", new JsonObject());
        return body;
    }
}
