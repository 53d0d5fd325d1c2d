package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import threadbook.assist.CodeAssist;
import threadbook.jshell.Definition;
import threadbook.jshell.Interpreter;
import threadbook.assist.QuickAssist;
import threadbook.protocol.Message;

/**
 * complete, inspect and is_complete requests. Cursor positions in the protocol count Unicode code
 * points; Java strings count UTF-16 units: they are converted at this boundary.
 *
 * <p>They never wait for the Java session to start (seconds, on a busy machine): JupyterLab drops a
 * completion reply that comes after about a second, silently. Until the session is ready they are
 * answered from what the kernel knows without it (see QuickAssist); then by JShell's analysis.
 */
final class Assistance {
    /** How long a request may wait for a session that is about to be ready. */
    private static final long SESSION_WAIT_MILLIS = 20;
    private static final Pattern DECLARED = Pattern.compile(
            "\\b(?:class|interface|enum|record)\\s+(\\w+)|(\\w+)\\s*\\([^()]*\\)\\s*(?:throws[\\w\\s,.]+)?\\{");

    private final JShellSessions sessions;
    private final QuickAssist quick;

    Assistance(JShellSessions sessions, QuickAssist quick) {
        this.sessions = sessions;
        this.quick = quick;
    }

    /** The ready session, or null while it starts (or if it cannot start: then the quick answers still help). */
    private Interpreter ready() {
        try {
            return sessions.within(SESSION_WAIT_MILLIS);
        } catch (JShellSessions.StartFailure e) {
            return null;
        }
    }

    JsonObject complete(Message request) {
        String code = request.contentString("code", "");
        int cursor = toIndex(code, request.contentInt("cursor_pos", code.codePointCount(0, code.length())));
        JsonObject content = new JsonObject();
        JsonArray matches = new JsonArray();
        int start = cursor;
        try {
            Interpreter session = ready();
            CodeAssist.Completion completion = session != null ? session.complete(code, cursor)
                    : quick.complete(code, cursor, names(sessions.startingDefinitions()));
            completion.matches().forEach(matches::add);
            start = completion.start();
        } catch (RuntimeException e) {
            // no suggestions
        }
        content.addProperty("status", "ok");
        content.add("matches", matches);
        content.addProperty("cursor_start", toCodePoints(code, start));
        content.addProperty("cursor_end", toCodePoints(code, cursor));
        content.add("metadata", new JsonObject());
        return content;
    }

    JsonObject inspect(Message request) {
        String code = request.contentString("code", "");
        int cursor = toIndex(code, request.contentInt("cursor_pos", code.codePointCount(0, code.length())));
        int detail = request.contentInt("detail_level", 0);
        CodeAssist.Inspection found = CodeAssist.Inspection.NONE;
        try {
            Interpreter session = ready();
            found = session != null ? session.inspect(code, cursor, detail) : quick.inspect(code, cursor);
        } catch (RuntimeException e) {
            // nothing found
        }
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        content.addProperty("found", found.found());
        JsonObject data = new JsonObject();
        if (found.found()) {
            // Frontends that render Markdown (JupyterLab's help panel and tooltip) prefer it; consoles show the text.
            data.addProperty("text/plain", found.text());
            data.addProperty("text/markdown", found.markdown());
        }
        content.add("data", data);
        content.add("metadata", new JsonObject());
        return content;
    }

    JsonObject isComplete(Message request) {
        String code = request.contentString("code", "");
        JsonObject content = new JsonObject();
        try {
            Interpreter session = ready();
            CodeAssist.Completeness c = session != null ? session.isComplete(code) : quick.isComplete(code);
            content.addProperty("status", c.status());
            if (c.status().equals("incomplete")) {
                content.addProperty("indent", c.indent());
            }
        } catch (RuntimeException e) {
            content.addProperty("status", "unknown");
        }
        return content;
    }

    /** The names of the methods and types among definitions. */
    static List<String> names(List<Definition> definitions) {
        List<String> names = new ArrayList<>();
        for (Definition d : definitions) {
            Matcher m = DECLARED.matcher(d.source());
            if (m.find()) {
                names.add(m.group(1) != null ? m.group(1) : m.group(2));
            }
        }
        return names;
    }

    static int toIndex(String code, int codePoints) {
        int points = Math.max(0, Math.min(codePoints, code.codePointCount(0, code.length())));
        return code.offsetByCodePoints(0, points);
    }

    static int toCodePoints(String code, int index) {
        return code.codePointCount(0, Math.max(0, Math.min(index, code.length())));
    }
}
