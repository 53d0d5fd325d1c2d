package threadbook.debug;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.Location;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import java.util.List;

/**
 * The Callstack panel: a stopped thread's frames from the notebook's code up, in cell lines; the frames
 * of JShell and the agent that run the cell are left out.
 */
final class CallStack {
    /** Frames of JShell's and the agent's machinery, below the notebook's code; the call stack ends there. */
    static final List<String> MACHINERY = List.of("jdk.jshell.", "threadbook.agent.", "jdk.internal.reflect.",
            "java.lang.reflect.", "java.lang.invoke.");

    /** Where the machinery throws (as class filters): never the notebook's exception, at most its wrapper. */
    static final List<String> MACHINERY_THROWS = List.of("jdk.jshell.*", "threadbook.*", "jdk.internal.reflect.*",
            "java.lang.reflect.*", "java.lang.invoke.*");

    private final CellSources cells;
    private final SuspendedThreads stopped;

    /**
     * Whether an exception caught in {@code catcher} (JShell's or the agent's machinery) went through the
     * notebook's code on its way there: then no notebook code caught it. An exception the JDK throws and
     * catches inside itself (reflection, lambda linking) while running for a cell has not, and stops nothing.
     */
    static boolean passesNotebookCode(ThreadReference thread, String catcher) {
        try {
            for (StackFrame f : thread.frames()) {
                String type = f.location().declaringType().name();
                if (CellSources.wrapperClass(type) != null) {
                    return true;
                }
                if (type.equals(catcher)) {
                    return false;
                }
            }
        } catch (com.sun.jdi.IncompatibleThreadStateException | RuntimeException e) {
            return true; // cannot tell: stopping shows the exception, passing on might hide the notebook's own
        }
        return false;
    }

    CallStack(CellSources cells, SuspendedThreads stopped) {
        this.cells = cells;
        this.stopped = stopped;
    }

    /** The stackTrace reply's body, or null if the thread runs (or ran on). */
    JsonObject stackTrace(int threadId, int start, int levels) throws com.sun.jdi.IncompatibleThreadStateException {
        ThreadReference thread = stopped.get(threadId);
        JsonArray list = new JsonArray();
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
            list.add(frame(stopped.number(threadId, thread, i), loc));
        }
        JsonArray shown = new JsonArray();
        for (int i = start; i < list.size() && (levels <= 0 || i < start + levels); i++) {
            shown.add(list.get(i));
        }
        JsonObject body = new JsonObject();
        body.add("stackFrames", shown);
        body.addProperty("totalFrames", list.size());
        return body;
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
}
