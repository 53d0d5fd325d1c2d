package threadbook.host;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void theDefaultsFitTheCourseAndTheMachine() throws java.io.IOException {
        int workers = Limits.defaultWorkers();
        assertTrue(workers >= 8 && workers <= 64, "room for the notebooks' 5 workers and spares, bounded: " + workers);
        int threads = Limits.defaultThreads();
        assertTrue(threads >= 100 && threads <= Limits.MOST_THREADS_BY_DEFAULT, String.valueOf(threads));
        java.nio.file.Path pidMax = java.nio.file.Path.of("/proc/sys/kernel/pid_max");
        if (java.nio.file.Files.isReadable(pidMax)) {
            // Read as a process reads it (to the end): Files.readString trusts the size /proc gives, which may be short.
            try (java.io.InputStream in = java.nio.file.Files.newInputStream(pidMax)) {
                long max = Long.parseLong(new String(in.readAllBytes()).strip());
                assertTrue(threads <= max * 3 / 4, threads + " threads with pid_max " + max);
                assertTrue(max < 4_000 || threads > 1_000, "the machine's limits were read: " + threads + " with pid_max " + max);
            }
        }
        System.out.println("default limits here: " + workers + " workers, " + threads + " threads");
    }
}
