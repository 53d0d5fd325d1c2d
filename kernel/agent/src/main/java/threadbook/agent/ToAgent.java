package threadbook.agent;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import threadbook.workers.WireStrings;

/**
 * One message from the kernel to the agent JVM, on the event channel's way back: the answer to an input
 * request, or a comm message from the frontend. Written and read here, by both ends.
 */
public sealed interface ToAgent {

    /** The kernel's answer to an input request: a line, or (with {@code ok} false) why there is none. */
    record InputReply(boolean ok, String text) implements ToAgent {}

    /**
     * A comm message from the frontend. {@code token} names the request it came in (the kernel keeps its
     * header): what the agent sends while handling it goes back under that request, as ipykernel does.
     */
    record Comm(long token, CommMessage message) implements ToAgent {}

    int INPUT_REPLY = 1, COMM = 2;

    static void write(DataOutput out, ToAgent message) throws IOException {
        if (message instanceof InputReply r) {
            out.writeByte(INPUT_REPLY);
            out.writeBoolean(r.ok());
            WireStrings.write(out, r.text());
        } else if (message instanceof Comm c) {
            out.writeByte(COMM);
            out.writeLong(c.token());
            CommMessage.write(out, c.message());
        }
    }

    static ToAgent read(DataInput in) throws IOException {
        int type = in.readUnsignedByte();
        switch (type) {
            case INPUT_REPLY:
                return new InputReply(in.readBoolean(), WireStrings.read(in));
            case COMM:
                return new Comm(in.readLong(), CommMessage.read(in));
            default:
                throw new IOException("unknown message type " + type + " from the kernel");
        }
    }
}
