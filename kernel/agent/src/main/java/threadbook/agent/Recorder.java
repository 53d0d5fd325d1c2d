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

    static synchronized void start() {
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
        // A thread dump as the recording stops: what a thread still blocked or waiting then was doing, which no
        // event says (JFR writes a wait's event when the wait ends).
        recording.enable("jdk.ThreadDump").with("period", "endChunk");
        recording.start();
        start = Instant.now();
    }

    /** Stops the recording; says where it is, when it ran, and the worker tasks meanwhile. */
    static synchronized threadbook.agent.link.Recording stop() throws IOException {
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
        return new threadbook.agent.link.Recording(file.toString(), epochNanos(start), epochNanos(end),
                java.util.List.of(threadbook.workers.WorkerRegistry.tasksSince(start)));
    }

    static long epochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
