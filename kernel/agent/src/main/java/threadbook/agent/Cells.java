package threadbook.agent;

import java.util.List;

/**
 * What the layer above this package ({@code threadbook.api}) may do to a
 * cell's output: print into it, send it an event (a display, a page), turn a value into its MIME bundle.
 * Internal to Threadbook and not for notebooks: a notebook uses {@code threadbook.api.Notebook}.
 */
public final class Cells {
    // Set once by ThreadbookAgent.main, before any cell runs.
    private static OutputRouter router;
    private static EventChannel events;

    private Cells() {}

    static void connect(OutputRouter outputRouter, EventChannel eventChannel) {
        router = outputRouter;
        events = eventChannel;
    }

    /** Prints text into cell {@code cell}'s output (stream 1 stdout, 2 stderr), as its own threads would. */
    public static void print(long cell, int stream, String text) {
        router.printTo(cell, stream, text);
    }

    /** Sends an event (a display, a page...) in order with the output printed before it. */
    public static void send(Event event) {
        router.flush(true);
        if (!CapturedOutput.divert(event)) {
            events.send(event);
        }
    }

    /** Sends an event at once, not after what is still buffered (a comm message, which no output precedes). */
    static void sendNow(Event event) {
        events.send(event);
    }

    /** Sends everything printed so far, then a marker the kernel waits for (the end of a run of cell code). */
    static void sync(long cell, long token, boolean rich) {
        send(new Event.Sync(cell, token, rich));
    }

    /** The MIME bundle of a value that shows as more than text (pairs of type and data), or null. */
    public static List<String[]> bundle(Object value) {
        return Renderers.bundle(value);
    }
}
