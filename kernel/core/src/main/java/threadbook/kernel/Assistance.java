package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import threadbook.jshell.CodeAssist;
import threadbook.protocol.Message;

/**
 * complete, inspect and is_complete requests. Cursor positions in the protocol count Unicode code
 * points; Java strings count UTF-16 units: they are converted at this boundary.
 */
final class Assistance {
    private final Sessions sessions;

    Assistance(Sessions sessions) {
        this.sessions = sessions;
    }

    JsonObject complete(Message request) {
        String code = request.contentString("code", "");
        int cursor = toIndex(code, request.contentInt("cursor_pos", code.codePointCount(0, code.length())));
        JsonObject content = new JsonObject();
        JsonArray matches = new JsonArray();
        int start = cursor;
        try {
            CodeAssist.Completion completion = sessions.get().assist().complete(code, cursor);
            completion.matches().forEach(matches::add);
            start = completion.start();
        } catch (Sessions.StartFailure | RuntimeException e) {
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
        String text = "";
        try {
            text = sessions.get().assist().inspect(code, cursor);
        } catch (Sessions.StartFailure | RuntimeException e) {
            // nothing found
        }
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        content.addProperty("found", !text.isEmpty());
        JsonObject data = new JsonObject();
        if (!text.isEmpty()) {
            data.addProperty("text/plain", text);
        }
        content.add("data", data);
        content.add("metadata", new JsonObject());
        return content;
    }

    JsonObject isComplete(Message request) {
        String code = request.contentString("code", "");
        JsonObject content = new JsonObject();
        try {
            CodeAssist.Completeness c = sessions.get().assist().isComplete(code);
            content.addProperty("status", c.status());
            if (c.status().equals("incomplete")) {
                content.addProperty("indent", c.indent());
            }
        } catch (Sessions.StartFailure | RuntimeException e) {
            content.addProperty("status", "unknown");
        }
        return content;
    }

    static int toIndex(String code, int codePoints) {
        int points = Math.max(0, Math.min(codePoints, code.codePointCount(0, code.length())));
        return code.offsetByCodePoints(0, points);
    }

    static int toCodePoints(String code, int index) {
        return code.codePointCount(0, Math.max(0, Math.min(index, code.length())));
    }
}
