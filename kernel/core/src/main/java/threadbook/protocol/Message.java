package threadbook.protocol;

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

    public String type() {
        return header.has("msg_type") ? header.get("msg_type").getAsString() : "";
    }

    public String id() {
        return header.has("msg_id") ? header.get("msg_id").getAsString() : "";
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

    public String contentString(String name, String fallback) {
        return content.has(name) && content.get(name).isJsonPrimitive() ? content.get(name).getAsString() : fallback;
    }

    public boolean contentBoolean(String name, boolean fallback) {
        return content.has(name) && content.get(name).isJsonPrimitive() ? content.get(name).getAsBoolean() : fallback;
    }

    public int contentInt(String name, int fallback) {
        return content.has(name) && content.get(name).isJsonPrimitive() ? content.get(name).getAsInt() : fallback;
    }
}
