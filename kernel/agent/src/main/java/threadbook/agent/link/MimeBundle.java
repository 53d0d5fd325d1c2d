package threadbook.agent.link;

import java.io.Serializable;
import java.util.List;

/**
 * A value's rich forms: pairs of MIME type and data (binary types as base64), in the order shown.
 * Empty means the value showed itself already (a CompletableFuture updates its own display).
 */
public record MimeBundle(List<Entry> entries) implements Serializable {
    public MimeBundle {
        entries = List.copyOf(entries);
    }

    /** One MIME type and its data. */
    public record Entry(String mimeType, String data) implements Serializable {}
}
