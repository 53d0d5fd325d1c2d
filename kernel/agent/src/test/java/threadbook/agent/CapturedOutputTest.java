package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class CapturedOutputTest {

    /** The session's warm-up run has a number below zero too, and its end-of-output mark must reach the kernel. */
    @Test
    void theWarmUpsOutputAndItsEndMarkAreNotACapturesAndGoToTheKernel() {
        long capture = CapturedOutput.register(new Recording());
        assertTrue(capture < Event.WARM_UP_CELL, "a capture's number " + capture);
        assertFalse(CapturedOutput.divert(new Event.Sync(Event.WARM_UP_CELL, 1, false)));
        assertFalse(CapturedOutput.divert(new Event.Stream(Event.WARM_UP_CELL, Event.Stream.STDOUT, bytes("0\n"))));
    }

    @Test
    void aCapturesOutputGoesToItsSinkAndItsOtherEventsToTheKernel() {
        Recording sink = new Recording();
        long capture = CapturedOutput.register(sink);
        assertTrue(CapturedOutput.divert(new Event.Stream(capture, Event.Stream.STDOUT, bytes("hello\n"))));
        assertEquals(List.of("1:hello\n"), sink.seen);
        assertFalse(CapturedOutput.divert(new Event.Sync(capture, 1, false)));
        assertFalse(CapturedOutput.divert(new Event.Stream(7, Event.Stream.STDOUT, bytes("a cell's\n"))));
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static final class Recording implements CapturedOutput.Sink {
        final List<String> seen = new ArrayList<>();

        @Override
        public void stream(int stream, String text) {
            seen.add(stream + ":" + text);
        }

        @Override
        public void display(String displayId, boolean update, List<String[]> bundle) {
            seen.add("display " + displayId);
        }

        @Override
        public void clear(boolean waitForNext) {
            seen.add("clear");
        }
    }
}
