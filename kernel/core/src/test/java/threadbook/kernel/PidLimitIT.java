package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.protocol.Message;

/**
 * ■ works when no thread can be created: the kernel and the Java process that runs the cells are put in a
 * cgroup whose pids.max a cell then fills with sleeping threads (the limit a shared server's user slice sets,
 * made small), so that neither JVM can start a thread. An interrupt that needed a new thread did nothing then.
 * Needs a writable cgroup pids controller (root, as install/test.sh runs the tests); elsewhere it is aborted
 * with that reason. About 15 s.
 */
class PidLimitIT {

    @Test
    void interruptWorksWhenNoThreadCanBeCreated() throws Exception {
        Path group = newPidsGroup();
        Assumptions.assumeTrue(group != null, "no writable cgroup pids controller (needs root and /sys/fs/cgroup)");
        Path java = wrapper(group);
        // The thread limit is set out of the way: this is about the machine's limit.
        try (KernelProcess kernel = KernelProcess.start(Map.of("THREADBOOK_MAX_THREADS", "1000000"), java);
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            client.execute("int kept = 42;");
            long before = Long.parseLong(Files.readString(group.resolve("pids.current")).strip());
            Files.writeString(group.resolve("pids.max"), String.valueOf(before + 300));

            KernelClient.Execution full = client.execute("""
                    while (true) {
                        new Thread(() -> { try { Thread.sleep(600_000); } catch (InterruptedException e) { } }).start();
                    }""", Duration.ofSeconds(120));
            assertEquals("java.lang.OutOfMemoryError", full.reply().contentString("ename", ""), String.valueOf(full.reply().content()));
            String traceback = full.error().content().get("traceback").toString();
            assertTrue(traceback.contains("not about memory") && traceback.contains("%threads stop"), traceback);

            // No thread can be made now, in either JVM; ■ still stops a cell.
            String id = client.executeAsync("while (true) { }");
            KernelIT.sleep(1000);
            long t0 = System.nanoTime();
            client.send(client.control, "interrupt_request", new JsonObject());
            Message reply = client.reply(client.shell, id, Duration.ofSeconds(30));
            assertNotNull(reply, "the interrupt stopped the cell while no thread could be created; log:\n" + kernel.log());
            assertEquals("Interrupted", reply.contentString("ename", ""), String.valueOf(reply.content()));
            System.out.printf("interrupt with the pid limit reached: reply after %.2f s%n", (System.nanoTime() - t0) / 1e9);
            client.iopubUntilIdle(id, Duration.ofSeconds(30));

            // ■ with no cell running stops the threads, which gives the pids back.
            client.send(client.control, "interrupt_request", new JsonObject());
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            long now;
            do {
                KernelIT.sleep(100);
                now = Long.parseLong(Files.readString(group.resolve("pids.current")).strip());
            } while (now > before + 50 && System.nanoTime() < deadline);
            assertTrue(now <= before + 50, "the threads were stopped: " + now + " pids in use, " + before + " before");
            assertEquals("42", client.execute("kept").result(), "the session kept its variables");
        } finally {
            Files.writeString(group.resolve("pids.max"), "max");
            for (int i = 0; i < 100 && !Files.readString(group.resolve("cgroup.procs")).isBlank(); i++) {
                KernelIT.sleep(100);
            }
            Files.deleteIfExists(group);
        }
    }

    /** A new cgroup with the pids controller (v1, or v2 with it enabled), or null if none can be made here. */
    private static Path newPidsGroup() {
        String name = "threadbook-it-" + ProcessHandle.current().pid();
        for (Path root : new Path[] {Path.of("/sys/fs/cgroup/pids"), Path.of("/sys/fs/cgroup")}) {
            try {
                Path group = Files.createDirectory(root.resolve(name));
                if (Files.exists(group.resolve("pids.max"))) {
                    return group;
                }
                Files.delete(group);
            } catch (IOException | UnsupportedOperationException e) {
                // not here
            }
        }
        return null;
    }

    /** A "java" that joins {@code group} and runs the tests' own java: the kernel and all it starts are in it. */
    private static Path wrapper(Path group) throws IOException {
        Path home = Files.createTempDirectory("threadbook-pids");
        Path java = Files.createDirectories(home.resolve("bin")).resolve("java");
        Files.writeString(java, "#!/bin/sh\necho $$ > " + group.resolve("cgroup.procs") + "\nexec "
                + Path.of(System.getProperty("java.home"), "bin", "java") + " \"$@\"\n");
        Files.setPosixFilePermissions(java, PosixFilePermissions.fromString("rwx------"));
        return java;
    }
}
