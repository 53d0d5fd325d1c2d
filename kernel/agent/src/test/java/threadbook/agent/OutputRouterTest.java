package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OutputRouterTest {
    private static final AtomicLong CELLS = new AtomicLong(1000);
    private static final long BIG_CAP = 64L << 20;

    /** What the channel wrote; ByteArrayOutputStream is synchronized, so flushes from any thread are fine. */
    private ByteArrayOutputStream sink;
    private EventChannel channel;
    private long cell;

    @BeforeEach
    void setUp() {
        sink = new ByteArrayOutputStream();
        channel = new EventChannel(sink);
        cell = CELLS.incrementAndGet();
        CellThreads.enter(cell, "[test]");
    }

    private OutputRouter router(long capBytes) {
        // A long interval, and start() is never called: the tests flush by hand.
        return new OutputRouter(channel, 60_000, capBytes);
    }

    private List<Event> events() throws IOException {
        byte[] bytes = sink.toByteArray();
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        List<Event> events = new ArrayList<>();
        while (in.available() > 0) {
            events.add(Event.read(in));
        }
        return events;
    }

    private List<Event.Stream> streams(long cell, int stream) throws IOException {
        List<Event.Stream> result = new ArrayList<>();
        for (Event e : events()) {
            if (e instanceof Event.Stream s && s.cell() == cell && s.stream() == stream) {
                result.add(s);
            }
        }
        return result;
    }

    private String text(long cell, int stream) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        for (Event.Stream s : streams(cell, stream)) {
            all.writeBytes(s.bytes());
        }
        return all.toString(StandardCharsets.UTF_8);
    }

    private static String strictUtf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return fail("an event is not valid UTF-8 on its own: " + e);
        }
    }

    @Test
    void manyThreadsPrintWholeLinesInOrder() throws Exception {
        OutputRouter router = router(BIG_CAP);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        int threads = 16;
        int lines = 2_000;
        CountDownLatch go = new CountDownLatch(1);
        List<Thread> workers = new ArrayList<>();
        for (int k = 0; k < threads; k++) {
            int id = k;
            // Started on the test thread after CellThreads.enter, so each inherits the cell.
            Thread t = new Thread(() -> {
                try {
                    go.await();
                } catch (InterruptedException e) {
                    return;
                }
                for (int i = 0; i < lines; i++) {
                    out.println("t" + id + " line " + i);
                }
            }, "printer-" + k);
            workers.add(t);
            t.start();
        }
        // A flusher of whole lines runs meanwhile, as the agent's background flusher would.
        AtomicBoolean printing = new AtomicBoolean(true);
        Thread flusher = new Thread(() -> {
            while (printing.get()) {
                router.flush(false);
                Thread.onSpinWait();
            }
        }, "test-flusher");
        flusher.start();
        go.countDown();
        for (Thread t : workers) {
            t.join(20_000);
            assertFalse(t.isAlive(), t.getName() + " did not finish");
        }
        printing.set(false);
        flusher.join(20_000);
        router.flush(true);

        List<Event.Stream> events = streams(cell, Event.Stream.STDOUT);
        assertFalse(events.isEmpty());
        assertEquals(events.size(), events().size(), "every event belongs to the cell, on stdout");
        for (Event.Stream s : events) {
            assertEquals('\n', s.bytes()[s.bytes().length - 1], "an event ends with a whole line");
        }
        String all = text(cell, Event.Stream.STDOUT);
        assertTrue(all.endsWith("\n"));
        String[] got = all.split("\n", -1);
        assertEquals(threads * lines + 1, got.length, "32,000 lines and the empty string after the last newline");
        Pattern line = Pattern.compile("t(\\d+) line (\\d+)");
        int[] next = new int[threads];
        for (int j = 0; j < got.length - 1; j++) {
            Matcher m = line.matcher(got[j]);
            assertTrue(m.matches(), "line " + j + " is not intact: " + got[j]);
            int k = Integer.parseInt(m.group(1));
            int i = Integer.parseInt(m.group(2));
            assertEquals(next[k], i, "thread " + k + " printed its lines in order");
            next[k] = i + 1;
        }
        for (int k = 0; k < threads; k++) {
            assertEquals(lines, next[k], "every line of thread " + k);
        }
    }

    @Test
    void partialLineWaitsForFlushEverything() throws IOException {
        OutputRouter router = router(BIG_CAP);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        out.print("Loading");
        router.flush(false);
        assertTrue(events().isEmpty(), "a fresh partial line is held back");

        out.print("...");
        router.flush(true);
        assertEquals("Loading...", text(cell, Event.Stream.STDOUT));

        router.flush(true);
        assertEquals(1, streams(cell, Event.Stream.STDOUT).size(), "nothing is sent twice");
    }

    @Test
    void flushWholeLinesKeepsTheRest() throws IOException {
        OutputRouter router = router(BIG_CAP);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        out.print("line 1\nline 2\npart");
        router.flush(false);
        assertEquals("line 1\nline 2\n", text(cell, Event.Stream.STDOUT));

        out.print("ial\n");
        router.flush(false);
        assertEquals("line 1\nline 2\npartial\n", text(cell, Event.Stream.STDOUT));
    }

    @Test
    void partialLineIsSentOnceItHasWaited() throws Exception {
        AtomicLong now = new AtomicLong(5_000_000_000L);
        OutputRouter router = new OutputRouter(channel, 60_000, BIG_CAP, now::get);
        router.printStream(Event.Stream.STDOUT).print("Progress: 10%");
        now.addAndGet(99_000_000L);
        router.flush(false);
        assertEquals("", text(cell, Event.Stream.STDOUT), "a partial line waits 100 ms for the rest of it");
        now.addAndGet(1_000_000L);
        router.flush(false);
        assertEquals("Progress: 10%", text(cell, Event.Stream.STDOUT));
    }

    @Test
    void capDropsTheRestWithOneNote() throws IOException {
        OutputRouter router = router(100);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        String line = "0123456789abcdefghijklmnopqrs\n"; // 30 bytes: the fourth line crosses the cap
        for (int i = 0; i < 10; i++) {
            out.print(line);
        }
        router.flush(true);
        for (int i = 0; i < 10; i++) {
            out.print("more output\n");
        }
        router.flush(true);

        String text = text(cell, Event.Stream.STDOUT);
        assertTrue(text.startsWith(line.repeat(3) + "0123456789\n[output truncated"), text);
        String rest = text.substring(100);
        assertFalse(rest.contains("abcdef") || rest.contains("more output"), "nothing past the cap: " + rest);
        assertEquals(text.indexOf("output truncated"), text.lastIndexOf("output truncated"), "one note: " + text);
        assertTrue(rest.contains("stdout"), rest);
        assertTrue(text.endsWith("]\n"), text);
    }

    @Test
    void capIsPerCellAndStream() throws Exception {
        OutputRouter router = router(10);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        PrintStream err = router.printStream(Event.Stream.STDERR);
        out.print("stdout stdout stdout\n");
        err.print("e\n");
        long other = CELLS.incrementAndGet();
        Thread t = new Thread(() -> {
            CellThreads.enter(other, "[test]");
            out.print("x\n");
        });
        t.start();
        t.join();
        router.flush(true);

        assertTrue(text(cell, Event.Stream.STDOUT).contains("output truncated"));
        assertEquals("e\n", text(cell, Event.Stream.STDERR));
        assertEquals("x\n", text(other, Event.Stream.STDOUT));
    }

    @Test
    void outputExactlyAtTheCapThenMoreGetsTheNote() throws IOException {
        OutputRouter router = router(20);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        out.print("0123456789abcdefghi\n"); // exactly 20 bytes
        out.print("beyond-the-cap\n");
        router.flush(true);
        String text = text(cell, Event.Stream.STDOUT);
        assertTrue(text.startsWith("0123456789abcdefghi\n"), text);
        assertFalse(text.contains("beyond-the-cap"), text);
        assertTrue(text.contains("output truncated"), text);
    }

    @Test
    void multiByteTextSurvivesChunking() throws IOException {
        OutputRouter router = router(BIG_CAP);
        // 17 UTF-8 bytes per repetition: the 1 MiB chunk boundary falls inside the 3-byte check mark.
        String unit = "héllo wörld ✓";
        assertEquals(17, unit.getBytes(StandardCharsets.UTF_8).length);
        String big = unit.repeat(150_000); // about 2.4 MiB, no newline
        router.printStream(Event.Stream.STDOUT).print(big);
        router.flush(true);

        List<Event.Stream> events = streams(cell, Event.Stream.STDOUT);
        assertTrue(events.size() >= 3, "split into events of at most 1 MiB, got " + events.size());
        StringBuilder joined = new StringBuilder();
        for (Event.Stream s : events) {
            assertTrue(s.bytes().length <= 1 << 20, "event of " + s.bytes().length + " bytes");
            joined.append(strictUtf8(s.bytes()));
        }
        assertEquals(big, joined.toString());
    }

    @Test
    void multiByteLinesFromSeveralWritesStayIntact() throws IOException {
        OutputRouter router = router(BIG_CAP);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        byte[] line = "héllo wörld ✓ 😀\n".getBytes(StandardCharsets.UTF_8);
        // Byte by byte, flushing after each, so that the buffer often ends inside a character.
        for (int r = 0; r < 3; r++) {
            for (byte b : line) {
                out.write(b);
                router.flush(false);
            }
        }
        out.write(line, 0, 2); // "h" and the first byte of "é": no newline, so held back
        router.flush(false);
        for (Event.Stream s : streams(cell, Event.Stream.STDOUT)) {
            strictUtf8(s.bytes());
        }
        assertEquals("héllo wörld ✓ 😀\n".repeat(3), text(cell, Event.Stream.STDOUT));
    }

    @Test
    void takePromptReturnsTheUnfinishedLineAndSendsTheRest() throws IOException {
        OutputRouter router = router(BIG_CAP);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        out.print("Welcome!\nName: ");
        assertEquals("Name: ", router.takePrompt());
        assertEquals("Welcome!\n", text(cell, Event.Stream.STDOUT), "what came before the prompt is sent");

        router.flush(true);
        assertEquals("Welcome!\n", text(cell, Event.Stream.STDOUT), "the prompt is not sent as output too");

        out.print("Âge ? ");
        assertEquals("Âge ? ", router.takePrompt());
        assertEquals("", router.takePrompt(), "nothing left to take");
        router.flush(true);
        assertEquals("Welcome!\n", text(cell, Event.Stream.STDOUT));
    }

    @Test
    void takePromptWithWholeLinesOnlyReturnsEmpty() throws IOException {
        OutputRouter router = router(BIG_CAP);
        router.printStream(Event.Stream.STDOUT).print("no prompt here\n");
        assertEquals("", router.takePrompt());
        assertEquals("no prompt here\n", text(cell, Event.Stream.STDOUT));
    }

    @Test
    void outputGoesToTheCellOfTheWritingThreadAndItsStream() throws Exception {
        OutputRouter router = router(BIG_CAP);
        PrintStream out = router.printStream(Event.Stream.STDOUT);
        PrintStream err = router.printStream(Event.Stream.STDERR);
        long first = cell;
        CountDownLatch secondCellStarted = new CountDownLatch(1);
        Thread late = new Thread(() -> {
            try {
                secondCellStarted.await();
            } catch (InterruptedException e) {
                return;
            }
            out.println("late line of the first cell");
        });
        late.start(); // inherits the first cell

        long second = CELLS.incrementAndGet();
        CellThreads.enter(second, "[test]");
        out.println("second cell out");
        err.println("second cell err");
        secondCellStarted.countDown();
        late.join();
        router.flush(true);

        assertEquals("late line of the first cell\n", text(first, Event.Stream.STDOUT));
        assertEquals("second cell out\n", text(second, Event.Stream.STDOUT));
        assertEquals("second cell err\n", text(second, Event.Stream.STDERR));
        assertEquals("", text(first, Event.Stream.STDERR));
    }
}
