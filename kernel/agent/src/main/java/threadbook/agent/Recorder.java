package threadbook.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import jdk.jfr.Recording;

/**
 * A JDK Flight Recorder recording of what threads do (start, end, sleep, wait, park, block on a lock),
 * for the %%timeline magic. The kernel reads the file it leaves: nothing is drawn in the user's JVM.
 */
final class Recorder {
    private static final String[] EVENTS = {
        "jdk.ThreadStart", "jdk.ThreadEnd", "jdk.ThreadSleep", "jdk.ThreadPark", "jdk.JavaMonitorEnter",
        "jdk.JavaMonitorWait", "jdk.VirtualThreadStart", "jdk.VirtualThreadEnd", "jdk.SocketRead", "jdk.SocketWrite"
    };
    private static Recording recording;
    private static Instant start;

    private Recorder() {}

    static synchronized Object start() {
        if (recording != null) {
            recording.close();
        }
        recording = new Recording();
        recording.setName("threadbook-timeline");
        for (String event : EVENTS) {
            recording.enable(event).withThreshold(Duration.ofMillis(1)).withoutStackTrace();
        }
        recording.enable("jdk.ThreadStart").withoutStackTrace();
        recording.enable("jdk.ThreadEnd").withoutStackTrace();
        recording.start();
        start = Instant.now();
        return null;
    }

    /** Stops the recording; returns {file, start epoch ns, end epoch ns, worker task lines}. */
    static synchronized Object[] stop() throws IOException {
        if (recording == null) {
            throw new IllegalStateException("no recording was started");
        }
        Instant end = Instant.now();
        recording.stop();
        // In the private folder: the recording shows what the notebook did (thread names, stacks).
        Path file = Files.createTempFile(PrivateFolder.get(), "timeline-", ".jfr");
        recording.dump(file);
        recording.close();
        recording = null;
        return new Object[] {file.toString(), epochNanos(start), epochNanos(end),
            threadbook.workers.WorkerRegistry.tasksSince(start)};
    }

    static long epochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
