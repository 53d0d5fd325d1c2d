package threadbook.agent;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Output that goes into a widget (an Output widget) instead of a cell. Each capture has a number below
 * zero that threads print into as if it were a cell (see CellThreads.runIn), so everything that follows
 * a thread's cell follows it here too: the threads it starts, worker processes' lines relayed to it.
 */
public final class CapturedOutput {
    /** Where the captured output goes: text on a stream, a display's bundle, a clear. */
    public interface Sink {
        void stream(int stream, String text);

        /** A display; with {@code update}, the replacement of the earlier one with the same {@code displayId}. */
        void display(String displayId, boolean update, java.util.List<String[]> bundle);

        void clear(boolean waitForNext);
    }

    private static final AtomicLong NEXT = new AtomicLong(Event.WARM_UP_CELL);
    private static final Map<Long, Sink> SINKS = new ConcurrentHashMap<>();

    private CapturedOutput() {}

    /** A new capture's number (below zero and below the warm-up's, so no run has it). */
    public static long register(Sink sink) {
        long id = NEXT.decrementAndGet();
        SINKS.put(id, sink);
        return id;
    }

    static boolean isCaptured(long cell) {
        return cell < Event.WARM_UP_CELL;
    }

    /** Hands an event of a capture to its sink; false when {@code event} is not a captured one. */
    static boolean divert(Event event) {
        boolean output = event instanceof Event.Stream || event instanceof Event.Display || event instanceof Event.ClearOutput;
        if (!output || !isCaptured(event.cell())) {
            return false; // an input request, a page...: these go to the cell's frontend as before
        }
        Sink sink = SINKS.get(event.cell());
        if (sink == null) {
            return true; // the capture ended: its output has nowhere to go
        }
        if (event instanceof Event.Stream s) {
            sink.stream(s.stream(), new String(s.bytes(), java.nio.charset.StandardCharsets.UTF_8));
        } else if (event instanceof Event.Display d) {
            sink.display(d.displayId(), d.update(), d.bundle());
        } else if (event instanceof Event.ClearOutput c) {
            sink.clear(c.waitForNext());
        }
        return true;
    }
}
