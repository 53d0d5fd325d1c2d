package threadbook.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;

/**
 * System.in of user code. When a cell reads and nothing is buffered, it sends an input request on the
 * event channel (after the cell's output, so the prompt stands above the input box) and waits for the
 * line the kernel sends back on the same socket.
 *
 * <p>The wait is on a queue, not on the socket, so that an interrupt can reach a thread waiting here.
 */
final class UserInput extends InputStream {
    private final OutputRouter router;
    private final EventChannel events;
    private final BlockingQueue<String[]> replies = new LinkedBlockingQueue<>();
    private byte[] buffer = new byte[0];
    private int position;

    UserInput(OutputRouter router, EventChannel events) {
        this.router = router;
        this.events = events;
    }

    /** The kernel's answer to the last input request ({@code ok} false: why there is no line). */
    void replied(boolean ok, String text) {
        replies.add(new String[] {ok ? "ok" : "error", text});
    }

    @Override
    public synchronized int read() throws IOException {
        if (!fill()) {
            return -1;
        }
        return buffer[position++] & 0xFF;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws IOException {
        if (len == 0) {
            return 0;
        }
        if (!fill()) {
            return -1;
        }
        int n = Math.min(len, buffer.length - position);
        System.arraycopy(buffer, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return buffer.length - position;
    }

    private static boolean readForScanner() {
        return StackWalker.getInstance().walk(frames -> frames.limit(64)
                .anyMatch(f -> f.getClassName().equals("java.util.Scanner")));
    }

    private boolean fill() throws IOException {
        if (position < buffer.length) {
            return true;
        }
        replies.clear();
        events.send(new Event.InputRequest(CellThreads.current(), router.takePrompt()));
        String[] reply;
        try {
            reply = replies.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.io.InterruptedIOException("interrupted while waiting for input");
        }
        if (!reply[0].equals("ok")) {
            IOException why = new IOException(reply[1]);
            if (readForScanner()) {
                // Scanner takes an IOException for the end of input and says only "No line found".
                throw new UncheckedIOException(reply[1], why);
            }
            throw why;
        }
        buffer = (reply[1] + "\n").getBytes(StandardCharsets.UTF_8);
        position = 0;
        return true;
    }
}
