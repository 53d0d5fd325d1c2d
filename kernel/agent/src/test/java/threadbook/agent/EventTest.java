package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class EventTest {
    /** Over 64 KiB of UTF-8 (writeUTF's limit), with 2-, 3- and 4-byte characters. */
    private static final String LONG = "héllo wörld ✓ 𝄞 日本語\n".repeat(3000);
    private static final String NON_ASCII = "Grüße, 你好, emoji 😀, combining é, RTL שלום";

    private static byte[] writeAll(List<Event> events) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (Event e : events) {
            Event.write(out, e);
        }
        out.flush();
        return bytes.toByteArray();
    }

    private static List<Event> readAll(byte[] bytes, int count) throws IOException {
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes));
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            events.add(Event.read(in));
        }
        assertEquals(-1, in.read(), "every byte written is read back, no more, no less");
        return events;
    }

    private static Event roundTrip(Event e) throws IOException {
        return readAll(writeAll(List.of(e)), 1).get(0);
    }

    private static void assertSameEvent(Event expected, Event actual) {
        assertEquals(expected.getClass(), actual.getClass());
        assertEquals(expected.cell(), actual.cell());
        if (expected instanceof Event.Stream s) {
            Event.Stream a = (Event.Stream) actual;
            assertEquals(s.stream(), a.stream());
            assertArrayEquals(s.bytes(), a.bytes());
        } else if (expected instanceof Event.Display d) {
            Event.Display a = (Event.Display) actual;
            assertEquals(d.displayId(), a.displayId());
            assertEquals(d.update(), a.update());
            assertEquals(d.bundle().size(), a.bundle().size());
            for (int i = 0; i < d.bundle().size(); i++) {
                assertArrayEquals(d.bundle().get(i), a.bundle().get(i));
            }
        } else if (expected instanceof Event.Comm c) {
            assertEquals(c.replyTo(), ((Event.Comm) actual).replyTo());
            assertSameComm(c.message(), ((Event.Comm) actual).message());
        } else {
            // The other records hold only primitives and strings, so record equality compares content.
            assertEquals(expected, actual);
        }
    }

    private static List<Event> allKinds() {
        byte[] binary = new byte[256];
        for (int i = 0; i < binary.length; i++) {
            binary[i] = (byte) i;
        }
        return List.of(
                new Event.Stream(7, Event.Stream.STDOUT, "hello\n".getBytes(StandardCharsets.UTF_8)),
                new Event.Stream(Long.MAX_VALUE, Event.Stream.STDERR, binary),
                new Event.Stream(8, Event.Stream.STDOUT, new byte[0]),
                new Event.Stream(9, Event.Stream.STDOUT, LONG.getBytes(StandardCharsets.UTF_8)),
                new Event.Sync(3, -123456789012345L, false),
                new Event.Sync(Event.NO_CELL, 1, true),
                new Event.Display(4, "display-1", true,
                        List.of(new String[] {"text/plain", NON_ASCII}, new String[] {"text/html", LONG})),
                new Event.Display(4, "", false, List.of()),
                new Event.ClearOutput(5, true),
                new Event.ClearOutput(5, false),
                new Event.Page(6, LONG),
                new Event.InputRequest(Event.NO_CELL, "Name: " + NON_ASCII),
                new Event.InputRequest(2, ""),
                new Event.Exiting(11, "main-" + NON_ASCII),
                new Event.LimitReached(12, "Too many threads: " + NON_ASCII),
                new Event.Comm(13, 5, CommMessage.open("c", "jupyter.widget", "{}", "{}", List.of(binary))));
    }

    @Test
    void longStringIsOverWriteUtfLimit() {
        assertEquals(true, LONG.getBytes(StandardCharsets.UTF_8).length > 65535);
    }

    @Test
    void everyEventTypeRoundTripsAlone() throws IOException {
        for (Event e : allKinds()) {
            assertSameEvent(e, roundTrip(e));
        }
    }

    @Test
    void aSequenceOfEventsRoundTripsInOrder() throws IOException {
        List<Event> events = allKinds();
        List<Event> back = readAll(writeAll(events), events.size());
        for (int i = 0; i < events.size(); i++) {
            assertSameEvent(events.get(i), back.get(i));
        }
    }

    @Test
    void everySealedSubtypeIsCovered() {
        // If a new kind of event is added, this test asks for it to be round-tripped above too.
        var kinds = new java.util.HashSet<Class<?>>();
        for (Event e : allKinds()) {
            kinds.add(e.getClass());
        }
        assertEquals(java.util.Set.of(Event.class.getPermittedSubclasses()), kinds);
    }

    @Test
    void specificFieldsSurvive() throws IOException {
        Event.Display d = (Event.Display) roundTrip(new Event.Display(42, "id-ü", true,
                List.<String[]>of(new String[] {"image/png", "iVBORw0KGgo="})));
        assertEquals(42, d.cell());
        assertEquals("id-ü", d.displayId());
        assertEquals(true, d.update());
        assertEquals("image/png", d.bundle().get(0)[0]);
        assertEquals("iVBORw0KGgo=", d.bundle().get(0)[1]);

        Event.Page p = assertInstanceOf(Event.Page.class, roundTrip(new Event.Page(1, LONG)));
        assertEquals(LONG, p.text());
        Event.Stream s = assertInstanceOf(Event.Stream.class,
                roundTrip(new Event.Stream(1, Event.Stream.STDERR, NON_ASCII.getBytes(StandardCharsets.UTF_8))));
        assertEquals("stderr", s.streamName());
        assertEquals(NON_ASCII, new String(s.bytes(), StandardCharsets.UTF_8));
    }

    @Test
    void unknownTypeIsAnIOException() {
        byte[] bytes = new byte[9];
        bytes[0] = 99;
        assertThrows(IOException.class, () -> Event.read(new DataInputStream(new ByteArrayInputStream(bytes))));
    }

    @Test
    void truncatedEventIsEof() throws IOException {
        byte[] whole = writeAll(List.of(new Event.Page(1, "some text")));
        byte[] cut = java.util.Arrays.copyOf(whole, whole.length - 2);
        assertThrows(EOFException.class, () -> Event.read(new DataInputStream(new ByteArrayInputStream(cut))));
    }

    @Test
    void messagesFromTheKernelRoundTrip() throws IOException {
        List<ToAgent> sent = List.of(
                new ToAgent.InputReply(true, NON_ASCII),
                new ToAgent.InputReply(false, "interrupted"),
                new ToAgent.InputReply(true, LONG),
                new ToAgent.InputReply(true, ""),
                new ToAgent.Comm(7, CommMessage.open("c1", "jupyter.widget", "{\"x\":1}", "{\"version\":\"2.1.0\"}",
                        List.of(new byte[] {1, 2, 3}, new byte[0]))),
                new ToAgent.Comm(8, CommMessage.msg("c1", LONG, List.of())),
                new ToAgent.Comm(9, CommMessage.close("c1", "{}")));
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        for (ToAgent m : sent) {
            ToAgent.write(out, m);
        }
        out.flush();

        DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
        for (ToAgent expected : sent) {
            ToAgent read = ToAgent.read(in);
            if (expected instanceof ToAgent.InputReply) {
                assertEquals(expected, read);
            } else {
                assertSameComm(((ToAgent.Comm) expected).message(), ((ToAgent.Comm) read).message());
                assertEquals(((ToAgent.Comm) expected).token(), ((ToAgent.Comm) read).token());
            }
        }
        assertEquals(-1, in.read());
    }

    @Test
    void commEventsRoundTripWithTheirBuffers() throws IOException {
        CommMessage m = CommMessage.msg("id-1", "{\"method\":\"update\",\"state\":{}}", List.of(new byte[] {(byte) 0xff, 0}));
        Event read = readAll(writeAll(List.of(new Event.Comm(4, 12, m))), 1).get(0);
        Event.Comm comm = assertInstanceOf(Event.Comm.class, read);
        assertEquals(4, comm.cell());
        assertEquals(12, comm.replyTo());
        assertSameComm(m, comm.message());
    }

    private static void assertSameComm(CommMessage expected, CommMessage read) {
        assertEquals(expected.kind(), read.kind());
        assertEquals(expected.commId(), read.commId());
        assertEquals(expected.target(), read.target());
        assertEquals(expected.data(), read.data());
        assertEquals(expected.metadata(), read.metadata());
        assertEquals(expected.buffers().size(), read.buffers().size());
        for (int i = 0; i < expected.buffers().size(); i++) {
            assertArrayEquals(expected.buffers().get(i), read.buffers().get(i));
        }
    }
}
