package threadbook.protocol;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Messages to and from ZeroMQ frames: identities, delimiter, signature, four JSON parts, buffers. */
public final class WireCodec {
    public static final byte[] DELIMITER = "<IDS|MSG>".getBytes(StandardCharsets.US_ASCII);
    private static final Gson GSON = new GsonBuilder().disableHtmlEscaping().serializeNulls().create();

    /**
     * How many signatures are remembered to refuse replays: as jupyter_client's Session does, bounded,
     * so a kernel that runs for weeks does not grow; the oldest are forgotten first.
     */
    static final int REPLAY_MEMORY = 1 << 16;

    private final Signer signer;
    private final Set<String> seenSignatures;

    public WireCodec(Signer signer) {
        this(signer, REPLAY_MEMORY);
    }

    WireCodec(Signer signer, int replayMemory) {
        this.signer = signer;
        this.seenSignatures = Collections.newSetFromMap(new LinkedHashMap<>(1024, 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
                return size() > replayMemory;
            }
        });
    }

    /** Thrown for a message the kernel must not act on: malformed, unsigned or mis-signed. */
    public static final class BadMessageException extends Exception {
        public BadMessageException(String message) {
            super(message);
        }
    }

    public List<byte[]> encode(Message m) {
        byte[] header = json(m.header());
        byte[] parent = json(m.parentHeader());
        byte[] metadata = json(m.metadata());
        byte[] content = json(m.content());
        List<byte[]> frames = new ArrayList<>(m.identities().size() + 6 + m.buffers().size());
        frames.addAll(m.identities());
        frames.add(DELIMITER);
        frames.add(signer.sign(header, parent, metadata, content).getBytes(StandardCharsets.US_ASCII));
        frames.add(header);
        frames.add(parent);
        frames.add(metadata);
        frames.add(content);
        frames.addAll(m.buffers());
        return frames;
    }

    public Message decode(List<byte[]> frames) throws BadMessageException {
        int delimiter = -1;
        for (int i = 0; i < frames.size(); i++) {
            if (Arrays.equals(frames.get(i), DELIMITER)) {
                delimiter = i;
                break;
            }
        }
        if (delimiter < 0) {
            throw new BadMessageException("no <IDS|MSG> delimiter among " + frames.size() + " frames");
        }
        if (frames.size() < delimiter + 6) {
            throw new BadMessageException("expected at least 5 frames after the delimiter, got "
                    + (frames.size() - delimiter - 1));
        }
        byte[] signature = frames.get(delimiter + 1);
        byte[] header = frames.get(delimiter + 2);
        byte[] parent = frames.get(delimiter + 3);
        byte[] metadata = frames.get(delimiter + 4);
        byte[] content = frames.get(delimiter + 5);
        if (signer.enabled()) {
            if (signature.length == 0) {
                throw new BadMessageException("unsigned message (the kernel has a key, the message no signature)");
            }
            if (!signer.verify(signature, header, parent, metadata, content)) {
                throw new BadMessageException("invalid signature");
            }
            // A captured message, validly signed, must not run twice (another local user may have
            // recorded it from the loopback interface). Checked after the signature, so that forged
            // messages cannot fill the memory.
            String digest = new String(signature, StandardCharsets.US_ASCII);
            synchronized (seenSignatures) {
                if (!seenSignatures.add(digest)) {
                    throw new BadMessageException("a replayed message (its signature was seen before)");
                }
            }
        }
        JsonObject h = object(header, "header");
        if (!h.has("msg_type") || !h.has("msg_id")) {
            throw new BadMessageException("header without msg_type or msg_id");
        }
        return new Message(new ArrayList<>(frames.subList(0, delimiter)), h, object(parent, "parent_header"),
                object(metadata, "metadata"), object(content, "content"),
                new ArrayList<>(frames.subList(delimiter + 6, frames.size())));
    }

    public static byte[] json(JsonElement e) {
        return GSON.toJson(e).getBytes(StandardCharsets.UTF_8);
    }

    public static Gson gson() {
        return GSON;
    }

    private static JsonObject object(byte[] bytes, String what) throws BadMessageException {
        try {
            JsonElement e = JsonParser.parseString(new String(bytes, StandardCharsets.UTF_8));
            if (!e.isJsonObject()) {
                throw new BadMessageException(what + " is not a JSON object");
            }
            return e.getAsJsonObject();
        } catch (RuntimeException e) {
            throw new BadMessageException(what + " is not valid JSON: " + e.getMessage());
        }
    }
}
