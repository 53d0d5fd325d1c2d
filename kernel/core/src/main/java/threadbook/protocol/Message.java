package threadbook.protocol;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.UUID;

/**
 * One Jupyter message. The parent header is kept exactly as it came, because frontends route output
 * by it.
 */
public record Message(List<byte[]> identities, JsonObject header, JsonObject parentHeader,
                      JsonObject metadata, JsonObject content, List<byte[]> buffers) {

    public static final String PROTOCOL_VERSION = "5.3";
    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSSXXX");

    /** The header's msg_type; "" when it is missing or not a string (such a message gets no reply type). */
    public String type() {
        return stringOrEmpty(header, "msg_type");
    }

    public String id() {
        return stringOrEmpty(header, "msg_id");
    }

    private static String stringOrEmpty(JsonObject object, String name) {
        JsonElement e = object.get(name);
        return e != null && e.isJsonPrimitive() && e.getAsJsonPrimitive().isString() ? e.getAsString() : "";
    }

    /** A new message of the kernel's, child of {@code parent} (an empty header if there is none). */
    public static Message create(String session, String type, JsonObject parentHeader, JsonObject content,
                                 List<byte[]> identities) {
        JsonObject header = new JsonObject();
        header.addProperty("msg_id", UUID.randomUUID().toString());
        header.addProperty("session", session);
        header.addProperty("username", "kernel");
        header.addProperty("date", OffsetDateTime.now(ZoneOffset.UTC).format(DATE));
        header.addProperty("msg_type", type);
        header.addProperty("version", PROTOCOL_VERSION);
        return new Message(identities, header, parentHeader == null ? new JsonObject() : parentHeader,
                new JsonObject(), content, List.of());
    }

    /** The reply to this request, addressed back to the same client. */
    public Message reply(String session, String type, JsonObject content) {
        return create(session, type, header, content, identities);
    }

    /** A string field of the content; {@code fallback} if it is absent or null. */
    public String contentString(String name, String fallback) {
        JsonElement e = field(name);
        if (e == null) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isString()) {
            throw new BadRequestException(name, "a string", e);
        }
        return e.getAsString();
    }

    /** A true/false field of the content; {@code fallback} if it is absent or null. */
    public boolean contentBoolean(String name, boolean fallback) {
        JsonElement e = field(name);
        if (e == null) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isBoolean()) {
            throw new BadRequestException(name, "true or false", e);
        }
        return e.getAsBoolean();
    }

    /** A whole-number field of the content; {@code fallback} if it is absent or null. */
    public int contentInt(String name, int fallback) {
        JsonElement e = field(name);
        if (e == null) {
            return fallback;
        }
        if (!e.isJsonPrimitive() || !e.getAsJsonPrimitive().isNumber()) {
            throw new BadRequestException(name, "a whole number", e);
        }
        double d = e.getAsDouble();
        if (d != Math.rint(d) || d < Integer.MIN_VALUE || d > Integer.MAX_VALUE) {
            throw new BadRequestException(name, "a whole number", e);
        }
        return (int) d;
    }

    private JsonElement field(String name) {
        JsonElement e = content.get(name);
        return e == null || e.isJsonNull() ? null : e;
    }

    /** A request whose content has a field of the wrong type; the kernel answers it with an error reply. */
    public static final class BadRequestException extends RuntimeException {
        private final String field;

        public BadRequestException(String field, String expected, JsonElement got) {
            super("the field '" + field + "' must be " + expected + ", not " + shorten(String.valueOf(got)));
            this.field = field;
        }

        public String field() {
            return field;
        }

        private static String shorten(String s) {
            return s.length() <= 40 ? s : s.substring(0, 37) + "...";
        }
    }
}
