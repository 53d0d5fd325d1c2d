package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.SharedKernel;

/**
 * Pre-started worker JVMs ("spares", see threadbook.workers.Spares), from the real kernel: a start that takes
 * one is much faster than a cold one, every worker is still a new process, a spare gets the classes of cells
 * defined after it started, %workers lists and ends spares, none start while %%time measures, and none
 * outlive the Java process or the kernel.
 */
@Tag("quiet")
class PrestartedWorkersIT extends SharedKernel {
    private static final Pattern SPARE_LINE = Pattern.compile("(?m)^spare\\s+pid (\\d+)\\s+(ready|starting)");
    private static final Pattern STATUS = Pattern.compile("; (\\d+) now, (\\d+) of them ready");

    /** Defines oneStart(): microseconds from start() to the task running in the worker (one clock), and its pid. */
    private static final String ONE_START = """
            long epochNanos() { java.time.Instant i = java.time.Instant.now(); return i.getEpochSecond() * 1_000_000_000L + i.getNano(); }
            String oneStart() throws Exception {
                java.io.File f = java.io.File.createTempFile("threadbook-it", ".txt");
                f.deleteOnExit();
                String path = f.getPath();
                long t0 = epochNanos();
                WorkerProcess p = new WorkerProcess(() -> java.nio.file.Files.writeString(java.nio.file.Path.of(path), Long.toString(epochNanos())));
                p.start();
                p.join();
                long ran = Long.parseLong(java.nio.file.Files.readString(f.toPath()));
                f.delete();
                return ((ran - t0) / 1000) + " " + p.pid() + " " + p.exitCode();
            }""";

    @Test
    void aPrestartedStartIsFarFasterThanAColdOneAndEveryWorkerIsANewProcess() {
        assertEquals("ok", client.execute(ONE_START).status());
        assertTrue(client.execute("%workers prestart off").stdout().contains("off"));
        Set<Long> pids = new HashSet<>();
        List<Long> cold = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            cold.add(sample(pids));
        }
        assertTrue(client.execute("%workers prestart 2").stdout().contains("2 kept ready"));
        List<Long> warm = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            awaitSpares(2);
            Set<Long> spares = sparePids();
            Set<Long> earlier = new HashSet<>(pids);
            warm.add(sample(pids));
            pids.removeAll(earlier);
            assertEquals(1, pids.size(), "a new pid each time, never one that ran a task before");
            assertTrue(spares.containsAll(pids), "the worker " + pids + " was one of the spares " + spares);
            pids.addAll(earlier);
        }
        long coldMedian = median(cold);
        long warmMedian = median(warm);
        System.out.printf("worker start to its task running: cold median %.1f ms %s, pre-started median %.1f ms %s%n",
                coldMedian / 1e3, cold, warmMedian / 1e3, warm);
        assertTrue(warmMedian * 2 < coldMedian, "a pre-started start (median " + warmMedian / 1e3
                + " ms) takes less than half a cold one (" + coldMedian / 1e3 + " ms)");
        assertEquals(16, pids.size(), "16 starts, 16 distinct processes: " + pids);
        client.execute("%workers prestart auto");
    }

    @Test
    void classesOfACellDefinedAfterTheSpareStartedWorkInIt() {
        client.execute("%workers prestart 1");
        awaitSpares(1);
        Set<Long> spares = sparePids();
        assertEquals(1, spares.size(), spares.toString());
        client.execute("""
                record Parcel(String to, int grams) implements java.io.Serializable {}
                String label(Parcel p) { return p.to() + ":" + (p.grams() * 2); }""");
        KernelClient.Execution e = client.execute("""
                WorkerProcess labeller = new WorkerProcess(() -> System.out.println("label " + label(new Parcel("Ada", 21))
                        + " in pid " + ProcessHandle.current().pid()));
                labeller.start();
                labeller.join();""", Duration.ofSeconds(60));
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        assertTrue(e.stdout().contains("label Ada:42 in pid " + spares.iterator().next()),
                "the spare started before Parcel and label existed ran them: " + e.stdout() + " spares " + spares);
        client.execute("%workers prestart auto");
    }

    @Test
    void workersListsTheSparesAndStopEndsThem() throws Exception {
        client.execute("%workers prestart 2");
        awaitSpares(2);
        String listed = client.execute("%workers").stdout();
        Set<Long> spares = sparePids();
        assertEquals(2, spares.size(), listed);
        assertTrue(listed.contains("Pre-started workers: 2 kept ready; 2 now, 2 of them ready"), listed);
        for (long pid : spares) {
            assertTrue(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false), "spare " + pid + " is a live process");
        }
        String stopped = client.execute("%workers stop").stdout();
        assertTrue(stopped.matches("(?s)Ended [2-9]\\d* worker process\\(es\\)\\.\\s*"), stopped);
        awaitGone(spares);
        KernelKit.sleep(1500); // time enough for a spare to start, if one wrongly did
        String after = client.execute("%workers").stdout();
        assertFalse(SPARE_LINE.matcher(after).find(), "no spare comes back by itself after %workers stop: " + after);
        assertTrue(after.contains("stopped by %workers stop until a cell starts a worker"), after);
        assertEquals("ok", client.execute("new WorkerProcess(() -> {}).start().join();").status());
        awaitSpares(2); // a cell started a worker: the spares are kept ready again
        client.execute("%workers prestart auto");
    }

    @Test
    void noSpareStartsWhileTimeMeasuresACellButOneDoesWithoutIt() throws Exception {
        client.execute("void hold(int seconds) { try { Thread.sleep(seconds * 1000L); } catch (InterruptedException e) { } }");
        client.execute("%workers prestart 3");
        String cell = """
                List<WorkerProcess> three = new ArrayList<>();
                for (int i = 0; i < 3; i++) three.add(new WorkerProcess(() -> hold(2)).start());
                hold(4);
                for (WorkerProcess p : three) p.join();""";

        awaitSpares(3);
        Set<Long> before = sparePids();
        int timedMost = mostWorkerProcessesDuring("%%time\n" + cell);
        assertEquals(3, timedMost, "under %%time only the 3 spares the cell took ran, no new one started");
        for (long pid : before) {
            awaitGone(Set.of(pid)); // they ran the cell's tasks and ended
        }

        awaitSpares(3); // released after %%time: the spares came back
        int untimedMost = mostWorkerProcessesDuring(cell);
        assertTrue(untimedMost > 3, "without %%time a replacement starts beside the 3 taken (" + untimedMost
                + " worker processes at most): so the first count would have seen one too");
        client.execute("%workers prestart auto");
    }

    @Test
    void neitherARestartOfTheJavaProcessNorKillingTheKernelLeavesASpare() throws Exception {
        try (KernelProcess own = KernelProcess.start(); KernelClient c = own.client()) {
            c.awaitReady(Duration.ofSeconds(30));
            c.execute("%workers prestart 3");
            Set<Long> first = awaitSpares(c, 3);
            KernelClient.Execution exit = c.execute("System.exit(0);", Duration.ofSeconds(60));
            assertEquals("error", exit.status(), "the cell says the Java process ended: " + exit.stdout());
            awaitGone(first);
            c.execute("%workers prestart 3");
            Set<Long> second = awaitSpares(c, 3);
            List<ProcessHandle> below = own.descendants();
            own.process.destroyForcibly(); // SIGKILL: no shutdown hook runs in the kernel
            awaitGone(second);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (below.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
                Thread.sleep(100);
            }
            assertTrue(below.stream().noneMatch(ProcessHandle::isAlive), "orphans: " + below.stream()
                    .filter(ProcessHandle::isAlive).map(p -> p.pid() + " " + p.info().command().orElse("")).toList());
        }
    }

    @Test
    void aRestartRequestLeavesNoSpare() throws Exception {
        try (KernelProcess own = KernelProcess.start(); KernelClient c = own.client()) {
            c.awaitReady(Duration.ofSeconds(30));
            c.execute("%workers prestart 2");
            Set<Long> spares = awaitSpares(c, 2);
            JsonObject content = new JsonObject();
            content.addProperty("restart", true);
            c.reply(c.control, c.send(c.control, "shutdown_request", content), Duration.ofSeconds(10));
            assertTrue(own.process.waitFor(15, java.util.concurrent.TimeUnit.SECONDS));
            awaitGone(spares);
        }
    }

    /** One start; its time in microseconds. Adds its pid to {@code pids}. */
    private long sample(Set<Long> pids) {
        KernelClient.Execution e = client.execute("oneStart()", Duration.ofSeconds(60));
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        String[] parts = e.result().replace("\"", "").split(" ");
        assertEquals("0", parts[2], "the worker ran its task and exited with 0: " + e.result());
        pids.add(Long.parseLong(parts[1]));
        return Long.parseLong(parts[0]);
    }

    private Set<Long> sparePids() {
        return sparePids(client);
    }

    private static Set<Long> sparePids(KernelClient c) {
        Set<Long> pids = new HashSet<>();
        Matcher m = SPARE_LINE.matcher(c.execute("%workers").stdout());
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1)));
        }
        return pids;
    }

    private Set<Long> awaitSpares(int n) {
        return awaitSpares(client, n);
    }

    /** Waits (a minute at most: the machine may be busy) until n spares are up and warm; their pids. */
    private static Set<Long> awaitSpares(KernelClient c, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        String status = "";
        while (System.nanoTime() < deadline) {
            status = c.execute("%workers prestart").stdout();
            Matcher m = STATUS.matcher(status);
            if (m.find() && Integer.parseInt(m.group(1)) == n && Integer.parseInt(m.group(2)) == n) {
                return sparePids(c);
            }
            KernelKit.sleep(200);
        }
        throw new AssertionError("no " + n + " ready spares within a minute: " + status);
    }

    private static void awaitGone(Set<Long> pids) throws InterruptedException {
        long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
        while (pids.stream().anyMatch(KernelKit::alive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        assertTrue(pids.stream().noneMatch(KernelKit::alive), "processes still alive: " + pids);
    }

    /** Runs a cell and counts, every 50 ms while it runs, the worker JVMs below the kernel; the most seen. */
    private int mostWorkerProcessesDuring(String code) {
        String id = client.executeAsync(code);
        int most = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        boolean idle = false;
        while (!idle && System.nanoTime() < deadline) {
            most = Math.max(most, (int) kernel.descendants().stream().filter(KernelKit::isWorker).count());
            for (var m : client.iopubFor(Duration.ofMillis(50))) {
                idle |= m.type().equals("status") && KernelClient.parentId(m).equals(id)
                        && m.contentString("execution_state", "").equals("idle");
            }
        }
        assertTrue(idle, "the cell ended");
        assertEquals("ok", client.reply(client.shell, id, Duration.ofSeconds(10)).contentString("status", ""));
        return most;
    }

    private static long median(List<Long> values) {
        List<Long> sorted = new ArrayList<>(values);
        Collections.sort(sorted);
        return sorted.get(sorted.size() / 2);
    }

    /** Small helpers over processes. */
    private static final class KernelKit {
        static boolean alive(long pid) {
            return ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false);
        }

        static boolean isWorker(ProcessHandle p) {
            return p.isAlive() && p.info().commandLine().map(c -> c.contains("threadbook.workers.WorkerMain")).orElse(false);
        }

        static void sleep(long millis) {
            try {
                Thread.sleep(millis);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
