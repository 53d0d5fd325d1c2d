package threadbook.workers;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The frames between the agent JVM and a worker JVM, written and read back as the two sides do. */
class FramesTest {

    record Point(int x, int y) implements Serializable {}

    /** Not Serializable: what a student's record without 'implements Serializable' is. */
    record Cart(List<String> items) {}

    private static DataInputStream reader(ByteArrayOutputStream bytes) {
        return new DataInputStream(new ByteArrayInputStream(bytes.toByteArray()));
    }

    @Test
    void aStringIsItsUtf8LengthThenItsBytes() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WireStrings.write(new DataOutputStream(bytes), "é€");
        byte[] utf8 = "é€".getBytes(StandardCharsets.UTF_8);
        DataInputStream in = reader(bytes);
        assertEquals(utf8.length, in.readInt(), "the length counts bytes, not chars");
        assertEquals(5, utf8.length);
        assertArrayEquals(utf8, in.readAllBytes());
    }

    @Test
    void framesComeBackInTheOrderAndWithTheFieldsTheyWereWrittenWith() throws IOException {
        String big = "x".repeat(1 << 20) + "ü";
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        // what a worker sends: READY, an OUTPUT line on stderr, a RESULT and a FAILURE
        out.writeByte(Frames.READY);
        out.writeLong(4711);
        out.writeByte(Frames.OUTPUT);
        out.writeByte(2);
        WireStrings.write(out, "line 1\nline 2 ✓\n");
        out.writeByte(Frames.RESULT);
        out.writeLong(7);
        out.writeLong(123_456_789L);
        WireStrings.writeBytes(out, new byte[] {1, 2, 3});
        out.writeByte(Frames.FAILURE);
        out.writeLong(8);
        out.writeLong(5);
        WireStrings.write(out, "java.lang.IllegalStateException");
        WireStrings.write(out, "");
        WireStrings.write(out, big);
        out.flush();

        DataInputStream in = reader(bytes);
        assertEquals(Frames.READY, in.readByte());
        assertEquals(4711, in.readLong());
        assertEquals(Frames.OUTPUT, in.readByte());
        assertEquals(2, in.readByte());
        assertEquals("line 1\nline 2 ✓\n", WireStrings.read(in));
        assertEquals(Frames.RESULT, in.readByte());
        assertEquals(7, in.readLong());
        assertEquals(123_456_789L, in.readLong());
        assertArrayEquals(new byte[] {1, 2, 3}, WireStrings.readBytes(in));
        assertEquals(Frames.FAILURE, in.readByte());
        assertEquals(8, in.readLong());
        assertEquals(5, in.readLong());
        assertEquals("java.lang.IllegalStateException", WireStrings.read(in));
        assertEquals("", WireStrings.read(in), "an empty message is an empty string, not a missing field");
        assertEquals(big, WireStrings.read(in));
        assertEquals(-1, in.read(), "nothing is left over");
    }

    @Test
    void theFrameTypesOfTheTwoDirectionsAreAllDifferent() {
        List<Integer> types = List.of(Frames.CLASSES, Frames.TASK, Frames.SHUTDOWN, Frames.READY, Frames.OUTPUT,
                Frames.RESULT, Frames.FAILURE);
        assertEquals(types.size(), types.stream().distinct().count(), types.toString());
        assertTrue(types.stream().allMatch(t -> t > 0 && t < 128), "each fits the one signed byte it is sent as");
    }

    @Test
    void aFrameCutShortIsAnEndOfStreamNotAShortString() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        WireStrings.write(new DataOutputStream(bytes), "a whole line");
        byte[] cut = java.util.Arrays.copyOf(bytes.toByteArray(), bytes.size() - 3);
        DataInputStream in = new DataInputStream(new ByteArrayInputStream(cut));
        assertThrows(EOFException.class, () -> WireStrings.read(in));
    }

    @Test
    void valuesTravelBySerialization() throws Exception {
        Map<String, Object> value = Map.of("point", new Point(3, 4), "list", new ArrayList<>(List.of(1, 2, 3)), "text", "ü");
        byte[] bytes = Frames.serialize(value, "the result");
        assertEquals(value, Frames.deserialize(bytes, FramesTest.class.getClassLoader()));
        assertEquals(null, Frames.deserialize(Frames.serialize(null, "the result"), FramesTest.class.getClassLoader()));
    }

    @Test
    void aValueThatCannotTravelIsAnErrorNamingItsTypeAndWhatToDo() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Frames.serialize(List.of(new Cart(List.of("apple"))), "the task's argument"));
        assertTrue(e.getMessage().startsWith("the task's argument cannot travel to another process: a Cart is not Serializable."),
                "the nested class is named as the student wrote it: " + e.getMessage());
        assertTrue(e.getMessage().contains("implements java.io.Serializable"), e.getMessage());
    }

    @Test
    void classesAreLookedUpInTheGivenLoaderFirst() throws Exception {
        List<String> asked = new ArrayList<>();
        ClassLoader notebook = new ClassLoader(FramesTest.class.getClassLoader()) {
            @Override
            protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
                asked.add(name);
                return super.loadClass(name, resolve);
            }
        };
        assertEquals(new Point(1, 2), Frames.deserialize(Frames.serialize(new Point(1, 2), "the result"), notebook));
        assertTrue(asked.contains(Point.class.getName()), "the notebook's loader was asked for the record: " + asked);
    }

    @Test
    void aClassTheGivenLoaderDoesNotKnowIsStillFound() throws Exception {
        ClassLoader bootOnly = new ClassLoader(null) {};  // knows only the JDK's classes
        assertEquals(new Point(5, 6), Frames.deserialize(Frames.serialize(new Point(5, 6), "the result"), bootOnly));
    }
}
