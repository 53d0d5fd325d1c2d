package threadbook.agent;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import jdk.jfr.Recording;
import threadbook.host.PrivateFolder;

/**
 * A JDK Flight Recorder recording of what threads do (start, end, sleep, wait, park, block on a lock),
 * for the %%timeline magic. The kernel reads the file it leaves: nothing is drawn in the user's JVM.
 * Everything it writes, while recording and after, is in the user's private folder (see
 * {@link RecordingRepository}).
 */
final class Recorder {
    private static final String[] EVENTS = {
        "jdk.ThreadStart", "jdk.ThreadEnd", "jdk.ThreadSleep", "jdk.ThreadPark", "jdk.JavaMonitorEnter",
        "jdk.JavaMonitorWait", "jdk.VirtualThreadStart", "jdk.VirtualThreadEnd", "jdk.SocketRead", "jdk.SocketWrite"
    };
    private static Recording recording;
    private static Instant start;
    /** Why the last start did not record; stop() reports it (start() must not throw: see start). */
    private static String notStarted;
    /**
     * Free space a recording starts with at least. Flight Recorder ends the whole JVM when its disk fills
     * while it records ("An irrecoverable error in Jfr. Shutting down VM"); a short cell's recording is
     * 0.1-2 MB, copied once more by the dump.
     */
    static final long ROOM = 64L << 20;

    /** Writes a stopped recording to a file; a test puts a full disk in its place. */
    interface Dump {
        void to(Recording recording, Path file) throws IOException;
    }

    private Recorder() {}

    /**
     * Starts recording, in the private folder or not at all. A failure here is kept for {@link #stop()}:
     * an exception out of a kernel request other than the agent's own would end JShell's command loop.
     */
    static synchronized void start() {
        start(ROOM);
    }

    /** {@code room}: the free space below which it does not record. */
    static synchronized void start(long room) {
        discard();
        notStarted = null;
        try {
            Path base = RecordingRepository.prepare();
            long free = Files.getFileStore(base).getUsableSpace();
            if (free < room) {
                throw new IOException("only " + megabytes(free) + " are free on the disk of " + base
                        + ", too little to record safely: free some space, then run the cell again");
            }
            Recording r = new Recording();
            recording = r;
            r.setName("threadbook-timeline");
            for (String event : EVENTS) {
                r.enable(event).withThreshold(Duration.ofMillis(1)).withoutStackTrace();
            }
            r.enable("jdk.ThreadStart").withoutStackTrace();
            r.enable("jdk.ThreadEnd").withoutStackTrace();
            // A thread dump as the recording stops: what a thread still blocked or waiting then was doing,
            // which no event says (JFR writes a wait's event when the wait ends).
            r.enable("jdk.ThreadDump").with("period", "endChunk");
            r.start();
            Path repository = RecordingRepository.current();
            if (repository == null || !repository.toRealPath().startsWith(base)) {
                throw new IOException("Flight Recorder records in " + repository + ", not in " + base);
            }
            start = Instant.now();
        } catch (IOException | RuntimeException e) {
            discard();
            notStarted = e.getMessage();
        }
    }

    /** Stops the recording; says where it is, when it ran, and the worker tasks meanwhile. */
    static synchronized threadbook.agent.link.Recording stop() throws IOException {
        return stop(Recording::dump);
    }

    /**
     * Stops the recording and writes it with {@code dump}. If that fails (a full disk) no file is left
     * behind, and the recording's chunks go with it.
     */
    static synchronized threadbook.agent.link.Recording stop(Dump dump) throws IOException {
        if (recording == null && notStarted != null) {
            throw new IOException("Flight Recorder did not record: " + notStarted);
        }
        if (recording == null) {
            throw new IllegalStateException("no recording was started");
        }
        Instant end = Instant.now();
        Path file = null;
        try {
            recording.stop();
            // In the private folder: the recording shows what the notebook did (thread names, stacks).
            file = Files.createTempFile(PrivateFolder.get(), "timeline-", ".jfr");
            dump.to(recording, file);
        } catch (IOException | RuntimeException e) {
            if (file != null) {
                Files.deleteIfExists(file);
            }
            throw new IOException("it could not be written to " + PrivateFolder.get() + " (" + e.getMessage() + "; "
                    + megabytes(Files.getFileStore(PrivateFolder.get()).getUsableSpace())
                    + " free there: if the disk is full, free some space, then run the cell again)", e);
        } finally {
            discard();
        }
        return new threadbook.agent.link.Recording(file.toString(), epochNanos(start), epochNanos(end),
                java.util.List.of(threadbook.workers.WorkerRegistry.tasksSince(start)));
    }

    /** Closes the recording (JFR deletes its chunks) and the folder they were in. */
    private static void discard() {
        if (recording != null) {
            recording.close();
            recording = null;
            RecordingRepository.removeIfEmpty();
        }
    }

    private static String megabytes(long bytes) {
        return String.format(java.util.Locale.ROOT, "%.1f MB", bytes / 1048576.0);
    }

    static long epochNanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }
}
