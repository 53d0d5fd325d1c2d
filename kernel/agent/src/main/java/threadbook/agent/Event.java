package threadbook.agent;

import java.io.DataInput;
import java.io.DataOutput;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import threadbook.workers.WireStrings;

/**
 * One message from the agent JVM to the kernel on the event channel: output of a cell, a display, a marker.
 * The format lives here, in the agent module, so that both ends read and write it with the same code.
 *
 * <p>Every event names the cell it belongs to, so output that arrives after its cell ended still lands
 * under that cell in the frontend.
 */
public sealed interface Event {

    /** The cell a thread belongs to when nothing else is known (before the first cell). */
    long NO_CELL = 0;

    /**
     * The run the kernel makes before the session is ready, to warm the output path: its output crosses the
     * channel as any cell's and the kernel drops it. Not an Output widget's capture (those are below it).
     */
    long WARM_UP_CELL = -1;

    long cell();

    /** Bytes a thread of {@code cell} wrote to {@code System.out} (stream 1) or {@code System.err} (stream 2). */
    record Stream(long cell, int stream, byte[] bytes) implements Event {
        public static final int STDOUT = 1;
        public static final int STDERR = 2;

        public String streamName() {
            return stream == STDERR ? "stderr" : "stdout";
        }
    }

    /**
     * Marks where the output of a run of cell code ends: everything its threads wrote until the run
     * returned comes before it. {@code token} is the run's (see threadbook.agent.link.CellTag);
     * {@code rich} says whether the run's value has a rich form (the kernel asks for it only then).
     */
    record Sync(long cell, long token, boolean rich) implements Event {}

    /**
     * A rich display: MIME type to data (text; binary formats base64-encoded by the agent).
     * A non-empty {@code displayId} makes it updatable; {@code update} replaces the earlier one in place.
     */
    record Display(long cell, String displayId, boolean update, List<String[]> bundle) implements Event {}

    /** Clear the output of the cell, now or (with {@code waitForNext}) when the next output arrives. */
    record ClearOutput(long cell, boolean waitForNext) implements Event {}

    /** Text for the frontend's pager (the payload of the cell's reply). */
    record Page(long cell, String text) implements Event {}

    /** A thread of {@code cell} reads System.in and nothing is buffered: ask the user for a line. */
    record InputRequest(long cell, String prompt) implements Event {}

    /** The agent JVM is shutting down through {@code System.exit} (shutdown hooks ran). */
    record Exiting(long cell, String thread) implements Event {}

    /**
     * The notebook went over a limit the instructor set (see Limits): {@code cell} is the cell running now
     * (or the last one), to be stopped with {@code message} as its error, and its threads ended.
     */
    record LimitReached(long cell, String message) implements Event {}

    /**
     * A comm message to the frontend (a widget's state, say). {@code replyTo} is the token of the frontend's
     * message being handled when it was sent (see ToAgent.Comm), 0 if none: then it goes under {@code cell}.
     */
    record Comm(long cell, long replyTo, CommMessage message) implements Event {}

    int STREAM = 1, SYNC = 2, DISPLAY = 3, CLEAR = 4, PAGE = 5, EXITING = 6, INPUT = 7, LIMIT = 8, COMM = 9;

    static void write(DataOutput out, Event event) throws IOException {
        if (event instanceof Stream s) {
            out.writeByte(STREAM);
            out.writeLong(s.cell());
            out.writeByte(s.stream());
            out.writeInt(s.bytes().length);
            out.write(s.bytes());
        } else if (event instanceof Sync s) {
            out.writeByte(SYNC);
            out.writeLong(s.cell());
            out.writeLong(s.token());
            out.writeBoolean(s.rich());
        } else if (event instanceof Display d) {
            out.writeByte(DISPLAY);
            out.writeLong(d.cell());
            WireStrings.write(out, d.displayId());
            out.writeBoolean(d.update());
            out.writeInt(d.bundle().size());
            for (String[] entry : d.bundle()) {
                WireStrings.write(out, entry[0]);
                WireStrings.write(out, entry[1]);
            }
        } else if (event instanceof ClearOutput c) {
            out.writeByte(CLEAR);
            out.writeLong(c.cell());
            out.writeBoolean(c.waitForNext());
        } else if (event instanceof Page p) {
            out.writeByte(PAGE);
            out.writeLong(p.cell());
            WireStrings.write(out, p.text());
        } else if (event instanceof InputRequest r) {
            out.writeByte(INPUT);
            out.writeLong(r.cell());
            WireStrings.write(out, r.prompt());
        } else if (event instanceof Exiting e) {
            out.writeByte(EXITING);
            out.writeLong(e.cell());
            WireStrings.write(out, e.thread());
        } else if (event instanceof LimitReached l) {
            out.writeByte(LIMIT);
            out.writeLong(l.cell());
            WireStrings.write(out, l.message());
        } else if (event instanceof Comm c) {
            out.writeByte(COMM);
            out.writeLong(c.cell());
            out.writeLong(c.replyTo());
            CommMessage.write(out, c.message());
        }
    }

    static Event read(DataInput in) throws IOException {
        int type = in.readUnsignedByte();
        long cell = in.readLong();
        switch (type) {
            case STREAM: {
                int stream = in.readUnsignedByte();
                byte[] bytes = new byte[in.readInt()];
                in.readFully(bytes);
                return new Stream(cell, stream, bytes);
            }
            case SYNC:
                return new Sync(cell, in.readLong(), in.readBoolean());
            case DISPLAY: {
                String id = WireStrings.read(in);
                boolean update = in.readBoolean();
                int n = in.readInt();
                List<String[]> bundle = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    bundle.add(new String[] {WireStrings.read(in), WireStrings.read(in)});
                }
                return new Display(cell, id, update, bundle);
            }
            case CLEAR:
                return new ClearOutput(cell, in.readBoolean());
            case PAGE:
                return new Page(cell, WireStrings.read(in));
            case INPUT:
                return new InputRequest(cell, WireStrings.read(in));
            case EXITING:
                return new Exiting(cell, WireStrings.read(in));
            case LIMIT:
                return new LimitReached(cell, WireStrings.read(in));
            case COMM:
                return new Comm(cell, in.readLong(), CommMessage.read(in));
            default:
                throw new IOException("unknown event type " + type);
        }
    }
}
