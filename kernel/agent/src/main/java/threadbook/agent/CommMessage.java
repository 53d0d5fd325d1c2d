package threadbook.agent;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import threadbook.workers.WireStrings;

/**
 * One Jupyter comm message, either way between the frontend and the notebook's Java: a comm opened, a
 * message on it, or its close. {@code data} and {@code metadata} are JSON texts (the agent has no JSON
 * library of the kernel's; see threadbook.agent.Json); {@code target} is set on an open only.
 */
public record CommMessage(Kind kind, String commId, String target, String data, String metadata, List<byte[]> buffers) {
    public enum Kind { OPEN, MSG, CLOSE }

    public CommMessage {
        buffers = List.copyOf(buffers);
    }

    public static CommMessage open(String commId, String target, String data, String metadata, List<byte[]> buffers) {
        return new CommMessage(Kind.OPEN, commId, target, data, metadata, buffers);
    }

    public static CommMessage msg(String commId, String data, List<byte[]> buffers) {
        return new CommMessage(Kind.MSG, commId, "", data, "{}", buffers);
    }

    public static CommMessage close(String commId, String data) {
        return new CommMessage(Kind.CLOSE, commId, "", data, "{}", List.of());
    }

    static void write(DataOutput out, CommMessage m) throws IOException {
        out.writeByte(m.kind().ordinal());
        WireStrings.write(out, m.commId());
        WireStrings.write(out, m.target());
        WireStrings.write(out, m.data());
        WireStrings.write(out, m.metadata());
        out.writeInt(m.buffers().size());
        for (byte[] b : m.buffers()) {
            WireStrings.writeBytes(out, b);
        }
    }

    static CommMessage read(DataInput in) throws IOException {
        int kind = in.readUnsignedByte();
        if (kind >= Kind.values().length) {
            throw new IOException("unknown comm message kind " + kind);
        }
        String id = WireStrings.read(in);
        String target = WireStrings.read(in);
        String data = WireStrings.read(in);
        String metadata = WireStrings.read(in);
        int n = in.readInt();
        List<byte[]> buffers = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            buffers.add(WireStrings.readBytes(in));
        }
        return new CommMessage(Kind.values()[kind], id, target, data, metadata, buffers);
    }
}
