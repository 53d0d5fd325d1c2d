package threadbook.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Method;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import threadbook.agent.link.Recording;

/**
 * A thread still blocked when a %%timeline recording stops (a deadlock) is drawn blocked to the end: JFR writes a
 * monitor-enter event only when the wait ends, so without the final thread dump such a thread looked "running".
 */
class TimelineEndTest {

    @Test
    void theThreadDumpsOfJdk17AndJdk21AreRead() {
        String jdk17 = """
                "first" #19 prio=5 os_prio=0 cpu=0.21ms elapsed=0.01s tid=0x00007f nid=0x1058 waiting for monitor entry  [0x7f]
                   java.lang.Thread.State: BLOCKED (on object monitor)
                \tat REPL.$JShell$19.lambda$do_it$$0($JShell$19.java:5)

                "Reference Handler" #2 daemon prio=10 os_prio=0 cpu=0.1ms elapsed=1s tid=0x1 nid=0x2 waiting on condition  [0x7f]
                   java.lang.Thread.State: RUNNABLE
                """;
        String jdk21 = """
                "second" #28 [8306] prio=5 os_prio=0 cpu=0.16ms elapsed=0.02s tid=0x00007f nid=8306 waiting for monitor entry  [0x7f]
                   java.lang.Thread.State: BLOCKED (on object monitor)
                "sleeper" #29 [8307] prio=5 os_prio=0 cpu=0.16ms elapsed=0.02s tid=0x00007f nid=8307 waiting on condition  [0x7f]
                   java.lang.Thread.State: TIMED_WAITING (sleeping)
                """;
        assertEquals(Map.of(19L, Thread.State.BLOCKED, 2L, Thread.State.RUNNABLE), EndStates.parse(jdk17));
        assertEquals(Map.of(28L, Thread.State.BLOCKED, 29L, Thread.State.TIMED_WAITING), EndStates.parse(jdk21));
    }

    @Test
    void aThreadBlockedWhenTheRecordingStopsIsBlockedToTheEnd() throws Exception {
        // The agent's own recorder (package-private in the agent: reached by reflection), in this JVM.
        Class<?> recorder = Class.forName("threadbook.agent.Recorder");
        Method start = recorder.getDeclaredMethod("start");
        Method stop = recorder.getDeclaredMethod("stop");
        start.setAccessible(true);
        stop.setAccessible(true);
        Object lock = new Object();
        Thread blocked = new Thread(() -> {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                return;
            }
            synchronized (lock) {
                lock.hashCode();
            }
        }, "reaches for the lock");
        Recording recording;
        start.invoke(null);
        synchronized (lock) {
            blocked.start();
            long deadline = System.nanoTime() + 60_000_000_000L;
            while (blocked.getState() != Thread.State.BLOCKED) {
                assertTrue(System.nanoTime() < deadline, "the thread never blocked on the lock: " + blocked.getState());
                Thread.onSpinWait();
            }
            recording = (Recording) stop.invoke(null);
        }
        blocked.join();
        Path file = Path.of(recording.file());
        try {
            long from = recording.fromEpochNanos();
            long to = recording.toEpochNanos();
            List<TimelineMagic.Row> rows = TimelineMagic.rows(file, from, to, List.of());
            TimelineMagic.Row row = rows.stream().filter(r -> r.label.equals("reaches for the lock")).findFirst().orElse(null);
            assertNotNull(row, "a row for the thread: " + rows.stream().map(r -> r.label).toList());
            assertEquals(to, row.end, "alive to the end");
            assertEquals(Thread.State.BLOCKED, row.atEnd);
            long[] last = row.spans.stream().max((a, b) -> Long.compare(a[1], b[1])).orElseThrow();
            assertEquals(TimelineMagic.BLOCKED, (int) last[2], "its last span is blocked");
            assertEquals(to, last[1], "blocked to the end of the recording");
            long slept = row.spans.stream().filter(s -> s[2] == TimelineMagic.WAITING).mapToLong(s -> s[1] - s[0]).sum();
            assertTrue(slept >= 90_000_000L, "the 100 ms sleep before it is drawn waiting: " + slept + " ns");
            assertTrue(last[0] >= row.start + 90_000_000L, "blocked after the sleep, not from the start");
            assertTrue(TimelineMagic.text(rows, from, to).contains("still blocked at the end"), TimelineMagic.text(rows, from, to));

            // In the drawing: a red bar that reaches the right end of the time axis, drawn over the green one.
            Drawing chart = GanttChart.draw(rows, from, to);
            String svg = chart.svg();
            Matcher axis = Pattern.compile("<line x1=\"([\\d.]+)\" y1=\"[\\d.]+\" x2=\"([\\d.]+)\"").matcher(svg);
            assertTrue(axis.find(), svg);
            double axisEnd = Double.parseDouble(axis.group(2));
            Matcher red = Pattern.compile("<rect x=\"([\\d.]+)\" y=\"[\\d.]+\" width=\"([\\d.]+)\" height=\"16.0\" fill=\"#d9534f\"/>")
                    .matcher(svg);
            assertTrue(red.find(), "a blocked bar: " + svg);
            double end = Double.parseDouble(red.group(1)) + Double.parseDouble(red.group(2));
            assertEquals(axisEnd, end, 1.0, "the blocked bar ends at the end of the axis (a bar is 1 unit wide at least): " + svg);
            assertTrue(svg.startsWith("<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"100%\" style=\"max-width: 750px\" viewBox=\"0 0 750 "),
                    "a chart fits a page narrower than itself: " + svg);
        } finally {
            Files.deleteIfExists(file);
        }
    }
}
