package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import threadbook.host.PrivateFolder;

/** %%timeline's recordings, with the real Flight Recorder: where they are written, and what a failure leaves. */
class RecorderTest {
    @TempDir
    Path dir;
    private Path folder;

    @BeforeEach
    void aPrivateFolderOfItsOwn() {
        folder = dir.resolve("threadbook");
        System.setProperty(PrivateFolder.PROPERTY, folder.toString());
        PrivateFolder.forget();
    }

    @AfterEach
    void theDefaultFolderAgain() {
        System.clearProperty(PrivateFolder.PROPERTY);
        PrivateFolder.forget();
    }

    @Test
    void recordsInThePrivateFolderAndLeavesOnlyTheRecording() throws Exception {
        Recorder.start();
        Path repository = RecordingRepository.current();
        assertTrue(repository.startsWith(folder.toRealPath().resolve(RecordingRepository.NAME)),
                "Flight Recorder's chunks are in the private folder, not in java.io.tmpdir: " + repository);
        sleepingThread();
        threadbook.agent.link.Recording recording = Recorder.stop();

        Path file = Path.of(recording.file());
        assertEquals(folder, file.getParent());
        assertTrue(Files.size(file) > 0, "a recording was written");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertFalse(Files.exists(repository), "JFR's folder went with the recording's chunks: " + repository);
        Files.delete(file);
    }

    @Test
    void aFullDiskLeavesNoFileAndNoChunk() throws Exception {
        Recorder.start();
        Path repository = RecordingRepository.current();
        sleepingThread();
        // What a full disk does to Recording.dump: the file is there, empty, and the write fails.
        IOException e = assertThrows(IOException.class, () -> Recorder.stop((r, f) -> {
            Files.write(f, new byte[0]);
            throw new IOException("No space left on device");
        }));
        assertTrue(e.getMessage().contains("No space left on device"), e.getMessage());
        assertEquals(List.of(), list(folder).stream().filter(p -> p.toString().endsWith(".jfr")).toList(),
                "no empty recording left behind");
        assertFalse(Files.exists(repository), "no chunk left behind: " + repository);
        assertThrows(IllegalStateException.class, Recorder::stop, "the recording is over");
    }

    @Test
    void tooLittleFreeSpaceRecordsNothingAndSaysWhy() throws Exception {
        // Flight Recorder would end the JVM if the disk filled while it records.
        Recorder.start(Long.MAX_VALUE);
        assertEquals(List.of(), jdk.jfr.FlightRecorder.getFlightRecorder().getRecordings().stream()
                .filter(r -> r.getState() == jdk.jfr.RecordingState.RUNNING).toList(), "nothing records");
        IOException e = assertThrows(IOException.class, Recorder::stop);
        assertTrue(e.getMessage().contains("MB are free") && e.getMessage().contains("free some space"), e.getMessage());
        Recorder.start();
        Files.delete(Path.of(Recorder.stop().file()));
    }

    @Test
    void aFolderDeletedWhileTheSessionRunsIsMadeAgain() throws Exception {
        Recorder.start();
        Files.delete(Path.of(Recorder.stop().file()));
        deleteTree(folder);

        Recorder.start();
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertTrue(RecordingRepository.current().startsWith(folder.toRealPath()), RecordingRepository.current().toString());
        sleepingThread();
        Path file = Path.of(Recorder.stop().file());
        assertTrue(Files.size(file) > 0, "recorded again");
        Files.delete(file);
    }

    @Test
    void whatAKilledSessionLeftIsRemoved() throws Exception {
        // A JFR folder of a JVM that no longer runs (pid 2^22 + 1 is above Linux's largest pid).
        Path dead = Files.createDirectories(folder.resolve(RecordingRepository.NAME).resolve("2026_01_02_03_04_05_4194305"));
        Files.writeString(dead.resolve("2026_01_02_03_04_05.jfr"), "chunk");
        PrivateFolder.makePrivate(folder);
        Recorder.start();
        Files.delete(Path.of(Recorder.stop().file()));
        assertFalse(Files.exists(dead), "removed when this session first recorded");
    }

    private static void sleepingThread() throws InterruptedException {
        Thread t = new Thread(() -> {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "recorded sleeper");
        t.start();
        t.join();
    }

    private static List<Path> list(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            return all.toList();
        }
    }

    private static void deleteTree(Path folder) throws IOException {
        List<Path> all = list(folder);
        for (int i = all.size() - 1; i >= 0; i--) {
            Files.delete(all.get(i));
        }
    }
}
