package threadbook.agent;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * Routes what user threads print to the cell each thread belongs to, and batches it.
 *
 * <p>Every write lands in a buffer for its (cell, stream). A flusher sends whole lines every
 * {@code interval} milliseconds, so a loop printing 100,000 lines becomes a few dozen events, not
 * 100,000, and lines are never split. A partial line (a prompt) is sent once it has waited a little.
 * A cell that prints without end is capped: past {@code capBytes} its output is dropped with a note,
 * while the cell goes on running.
 */
final class OutputRouter {
    private static final long PARTIAL_LINE_WAIT_NANOS = 100_000_000L;
    private static final int MAX_EVENT_BYTES = 1 << 20;

    private final EventChannel channel;
    private final long intervalMillis;
    private final long capBytes;
    /** System.nanoTime, or a test's clock: a partial line's wait is measured with it. */
    private final LongSupplier nanoTime;
    private final Map<Key, Pending> pending = new LinkedHashMap<>();
    private final Map<Key, Long> written = new java.util.HashMap<>();
    private final Object flushLock = new Object();

    private record Key(long cell, int stream) {}

    private static final class Pending {
        final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        long firstWriteNanos;
    }

    public OutputRouter(EventChannel channel, long intervalMillis, long capBytes) {
        this(channel, intervalMillis, capBytes, System::nanoTime);
    }

    OutputRouter(EventChannel channel, long intervalMillis, long capBytes, LongSupplier nanoTime) {
        this.channel = channel;
        this.intervalMillis = intervalMillis;
        this.capBytes = capBytes;
        this.nanoTime = nanoTime;
    }

    /** A PrintStream for System.out or System.err that routes by the writing thread's cell. */
    public PrintStream printStream(int stream) {
        return new PrintStream(new OutputStream() {
            @Override
            public void write(int b) {
                append(stream, new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) {
                append(stream, b, off, len);
            }
        }, false, StandardCharsets.UTF_8);
    }

    public void start() {
        Thread flusher = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(intervalMillis);
                } catch (InterruptedException e) {
                    return;
                }
                flush(false);
            }
        }, "threadbook-output-flusher");
        flusher.setDaemon(true);
        flusher.start();
    }

    void append(int stream, byte[] b, int off, int len) {
        append(CellThreads.current(), stream, b, off, len);
    }

    /** Output for a given cell, whichever thread writes it (worker processes' lines, relayed). */
    public void printTo(long cell, int stream, String text) {
        byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
        append(cell, stream, bytes, 0, bytes.length);
    }

    private void append(long cell, int stream, byte[] b, int off, int len) {
        Key key = new Key(cell, stream);
        synchronized (this) {
            long before = written.getOrDefault(key, 0L);
            if (before > capBytes) {
                return; // over the cap, and the note was written
            }
            int allowed = (int) Math.min(len, capBytes - before);
            if (allowed < len) {
                while (allowed > 0 && (b[off + allowed] & 0xC0) == 0x80) {
                    allowed--; // do not cut a character in two
                }
            }
            written.put(key, before + len);
            Pending p = pending.computeIfAbsent(key, k -> new Pending());
            if (p.bytes.size() == 0) {
                p.firstWriteNanos = nanoTime.getAsLong();
            }
            p.bytes.write(b, off, allowed);
            if (allowed < len) {
                written.put(key, capBytes + 1);
                p.bytes.writeBytes(truncationNote(stream).getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    private String truncationNote(int stream) {
        String size = capBytes >= (1 << 20) ? String.format(java.util.Locale.ROOT, "%.3g MB", capBytes / 1048576.0)
                : capBytes >= 1024 ? (capBytes >> 10) + " KB" : capBytes + " bytes";
        return "\n[output truncated: this cell printed more than " + size + " to "
                + (stream == Event.Stream.STDERR ? "stderr" : "stdout")
                + "; the rest is dropped (the limit is the setting THREADBOOK_MAX_OUTPUT,"
                + " install.sh --max-output). The cell is still running: interrupt it to stop it.]\n";
    }

    /**
     * Sends what is buffered. With {@code everything}, partial lines too (the kernel is waiting for
     * the cell's output); otherwise only whole lines, or partial lines that have waited long enough.
     */
    public void flush(boolean everything) {
        // One flush at a time, so that two flushes never send their events out of order.
        synchronized (flushLock) {
            flushLocked(everything);
        }
    }

    private void flushLocked(boolean everything) {
        List<Event> events = new ArrayList<>();
        long now = nanoTime.getAsLong();
        synchronized (this) {
            var it = pending.entrySet().iterator();
            while (it.hasNext()) {
                var entry = it.next();
                Pending p = entry.getValue();
                byte[] all = p.bytes.toByteArray();
                if (all.length == 0) {
                    it.remove();
                    continue;
                }
                int end = all.length;
                if (!everything && now - p.firstWriteNanos < PARTIAL_LINE_WAIT_NANOS) {
                    end = lastNewline(all) + 1;
                }
                if (end == 0) {
                    continue;
                }
                end = utf8Boundary(all, end);
                Key key = entry.getKey();
                for (int start = 0; start < end; ) {
                    int stop = Math.min(end, start + MAX_EVENT_BYTES);
                    if (stop < end) {
                        stop = utf8Boundary(all, stop);
                    }
                    byte[] chunk = java.util.Arrays.copyOfRange(all, start, stop);
                    events.add(new Event.Stream(key.cell(), key.stream(), chunk));
                    start = stop;
                }
                p.bytes.reset();
                if (end < all.length) {
                    p.bytes.write(all, end, all.length - end);
                    p.firstWriteNanos = now;
                } else {
                    it.remove();
                }
            }
        }
        for (Event e : events) {
            if (!CapturedOutput.divert(e)) {
                channel.send(e);
            }
        }
    }

    /**
     * Removes and returns the unfinished last line the current thread's cell printed on stdout (a prompt
     * such as "Name: "), so it can be shown beside the input box; sends everything before it.
     */
    public String takePrompt() {
        Key key = new Key(CellThreads.current(), Event.Stream.STDOUT);
        String prompt = "";
        synchronized (this) {
            Pending p = pending.get(key);
            if (p != null) {
                byte[] all = p.bytes.toByteArray();
                int cut = lastNewline(all) + 1;
                if (cut < all.length) {
                    prompt = new String(all, cut, all.length - cut, StandardCharsets.UTF_8);
                    p.bytes.reset();
                    p.bytes.write(all, 0, cut);
                }
            }
        }
        flush(true);
        return prompt;
    }

    private static int lastNewline(byte[] bytes) {
        for (int i = bytes.length - 1; i >= 0; i--) {
            if (bytes[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Moves {@code end} back so that it does not cut a UTF-8 sequence in two. */
    private static int utf8Boundary(byte[] bytes, int end) {
        if (end >= bytes.length) {
            return end;
        }
        int i = end;
        while (i > 0 && (bytes[i] & 0xC0) == 0x80) {
            i--;
        }
        return i == 0 ? end : i;
    }
}
