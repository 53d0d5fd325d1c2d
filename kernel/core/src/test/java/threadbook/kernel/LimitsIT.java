package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/**
 * One cell cannot take the machine: a pool of 500 workers or 50,000 threads ends in an error that names the
 * limit and its setting, ■ still works, the next cell finds the earlier variables, and no worker outlives
 * the agent or the kernel (kill -9 included, while workers are still booting). One kernel for all the checks,
 * in order (the last one kills it). The workers' limit is the default (8 on two cores, at most 64 anywhere);
 * the threads' is set low (THREADBOOK_MAX_THREADS=400) so that the check costs a few hundred threads, not the
 * default's 12,000. The heap and the output per cell are set too: the heap applies, the output's note names its setting.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LimitsIT extends SharedKernel {
    private static final Duration GONE = Duration.ofSeconds(15);

    @Override
    protected Map<String, String> environment() {
        return Map.of("THREADBOOK_MAX_THREADS", "400", "THREADBOOK_MAX_HEAP", "256m", "THREADBOOK_MAX_OUTPUT", "64k");
    }

    @Test
    @Order(1)
    void aPoolOfFiveHundredFailsBeforeAnyWorkerStarts() {
        client.execute("int kept = 42;");
        int before = kernel.descendants().size();
        KernelClient.Execution e = client.execute("WorkerPool big = new WorkerPool(500);");
        assertEquals("error", e.status());
        String evalue = e.error().contentString("evalue", "");
        assertTrue(evalue.contains("asks for 500") && evalue.contains("THREADBOOK_MAX_WORKERS")
                && evalue.contains("No process was started"), evalue);
        assertEquals(before, kernel.descendants().size(), "no worker JVM started: " + kernel.descendants());
        assertEquals("42", client.execute("kept").result(), "the session goes on");
    }

    /**
     * A closed pool's workers finish their tasks and exit, which takes a moment; until then they count towards
     * the limit. A new pool they stand in the way of waits for them (up to 10 s) instead of failing, as
     * {@code with Pool(...)} in Python waits for its processes; workers that are still busy after that keep
     * the limit, with an error that says they are closed pools' workers.
     */
    @Test
    @Order(2)
    void aNewPoolWaitsForTheWorkersOfOneJustClosed() {
        KernelClient.Execution waited = client.execute("""
                WorkerPool first = new WorkerPool(5);
                for (int i = 0; i < 5; i++) first.submit(() -> { Thread.sleep(500); return 0; });
                first.close();
                try (WorkerPool second = new WorkerPool(5)) { System.out.println(second.map(x -> x + 1, List.of(41))); }""",
                Duration.ofSeconds(120));
        assertEquals("ok", waited.status(), String.valueOf(waited.error()));
        assertEquals("[42]\n", waited.stdout());

        KernelClient.Execution refused = client.execute("""
                WorkerPool busy = new WorkerPool(5);
                for (int i = 0; i < 5; i++) busy.submit(() -> { Thread.sleep(600_000); return 0; });
                busy.close();
                WorkerPool after = new WorkerPool(5);""", Duration.ofSeconds(120));
        assertEquals("error", refused.status());
        String evalue = refused.error().contentString("evalue", "");
        assertTrue(evalue.contains("5 of them from closed pools, not ended yet") && evalue.contains("No process was started"), evalue);
        client.execute("%workers stop");
        assertEquals("42", client.execute("kept").result(), "the session goes on");
    }

    @Test
    @Order(3)
    void theHeapAndOutputLimitsApply() {
        long max = Long.parseLong(client.execute("Runtime.getRuntime().maxMemory()").result());
        assertTrue(max <= 256L << 20, "the Java process runs with -Xmx256m: " + max);
        KernelClient.Execution printed = client.execute("for (int i = 0; i < 10_000; i++) System.out.println(\"line \" + i);");
        assertTrue(printed.stdout().contains("more than 64 KB to stdout") && printed.stdout().contains("THREADBOOK_MAX_OUTPUT"),
                printed.stdout().substring(Math.max(0, printed.stdout().length() - 400)));
        assertEquals("42", client.execute("kept").result(), "the session goes on");
    }

    @Test
    @Order(4)
    void fiftyThousandThreadsStopAtTheLimitAndTheNextCellRuns() {
        long t0 = System.nanoTime();
        // Half of them ignore interrupts: those need the kernel's JDI stop.
        KernelClient.Execution e = client.execute("""
                for (int i = 0; i < 50_000; i++) {
                    boolean stubborn = i % 2 == 0;
                    new Thread(() -> {
                        while (true) {
                            try { Thread.sleep(600_000); } catch (InterruptedException ex) { if (!stubborn) return; }
                        }
                    }, "sleeper-" + i).start();
                }""", Duration.ofSeconds(120));
        System.out.printf("50,000 threads, limit 400: error reply after %.2f s%n", (System.nanoTime() - t0) / 1e9);
        assertEquals("error", e.status(), String.valueOf(e.reply().content()));
        assertEquals("TooManyThreads", e.reply().contentString("ename", ""), String.valueOf(e.reply().content()));
        String evalue = e.reply().contentString("evalue", "");
        assertTrue(evalue.contains("THREADBOOK_MAX_THREADS") && evalue.contains("(400,"), evalue);
        assertEquals("42", client.execute("kept").result(), "the earlier variables are kept");
        // The reply comes once the cell's threads were stopped; a stopped thread may still be on its way out.
        awaitThreadsBelow(100);
    }

    @Test
    @Order(5)
    void interruptWorksAfterTheLimitStoppedACell() {
        String id = client.executeAsync("while (true) { }");
        awaitBusy(id);
        client.send(client.control, "interrupt_request", new JsonObject());
        Message reply = client.reply(client.shell, id, Duration.ofSeconds(30));
        assertNotNull(reply, "the interrupted cell replied");
        assertEquals("Interrupted", reply.contentString("ename", ""), String.valueOf(reply.content()));
        client.iopubUntilIdle(id, Duration.ofSeconds(10));
        assertEquals("42", client.execute("kept").result());
    }

    @Test
    @Order(6)
    void noWorkerOutlivesTheAgentKilledWhileWorkersRunAndBoot() throws Exception {
        long agent = Long.parseLong(client.execute("ProcessHandle.current().pid()").result());
        // Two busy workers (a running task: nothing reads their stdin), then more starting while the agent dies.
        client.execute("""
                WorkerPool busy = new WorkerPool(2);
                for (int i = 0; i < 2; i++) busy.submit(() -> { Thread.sleep(600_000); return 0; });""");
        awaitWorkers(agent, 2);
        String id = client.executeAsync("WorkerPool more = new WorkerPool(4); more.awaitReady();");
        awaitWorkers(agent, 3);
        List<ProcessHandle> workers = ProcessHandle.of(agent).orElseThrow().descendants().toList();
        ProcessHandle.of(agent).orElseThrow().destroyForcibly();
        awaitGone(workersOf(agent, workers), "workers of the agent killed with kill -9");
        client.reply(client.shell, id, Duration.ofSeconds(30));
        client.iopubUntilIdle(id, Duration.ofSeconds(10));
        // The next cells run in a new Java process.
        client.execute("1");
        assertEquals("2", client.execute("1 + 1").result());
    }

    @Test
    @Order(7)
    void noWorkerOutlivesTheKernelKilledWhileWorkersRunAndBoot() throws Exception {
        long agent = Long.parseLong(client.execute("ProcessHandle.current().pid()").result());
        client.execute("""
                WorkerPool busy = new WorkerPool(2);
                for (int i = 0; i < 2; i++) busy.submit(() -> { Thread.sleep(600_000); return 0; });""");
        awaitWorkers(agent, 2);
        client.executeAsync("WorkerPool more = new WorkerPool(4); more.awaitReady();");
        awaitWorkers(agent, 3);
        List<ProcessHandle> below = kernel.descendants();
        kernel.process.destroyForcibly();
        awaitGone(workersOf(agent, below), "the agent and its workers after kill -9 of the kernel");
    }

    private void awaitThreadsBelow(int most) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        int count;
        do {
            count = Integer.parseInt(client.execute("Thread.activeCount()").result());
        } while (count >= most && System.nanoTime() < deadline);
        assertTrue(count < most, "the cell's threads were stopped: " + count + " left");
    }

    private void awaitBusy(String id) {
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            for (Message m : client.iopubFor(Duration.ofMillis(100))) {
                if (m.type().equals("status") && KernelClient.parentId(m).equals(id)
                        && m.contentString("execution_state", "").equals("busy")) {
                    KernelIT.sleep(200); // past the compile, into the loop (an interrupt earlier works too)
                    return;
                }
            }
        }
        throw new AssertionError("the cell did not start");
    }

    private static void awaitWorkers(long agent, int n) {
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            if (ProcessHandle.of(agent).orElseThrow().descendants().count() >= n) {
                return;
            }
            KernelIT.sleep(20);
        }
        throw new AssertionError("fewer than " + n + " workers started");
    }

    /** Every worker of {@code agent}, also one started after a snapshot of its children (its command line names the agent). */
    private static List<ProcessHandle> workersOf(long agent, List<ProcessHandle> snapshot) {
        List<ProcessHandle> all = new ArrayList<>(snapshot);
        ProcessHandle.allProcesses().filter(p -> p.info().commandLine().orElse("")
                .contains("-Dthreadbook.agent.pid=" + agent + " ")).filter(p -> !all.contains(p)).forEach(all::add);
        return all;
    }

    private static void awaitGone(List<ProcessHandle> processes, String what) {
        long deadline = System.nanoTime() + GONE.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            KernelIT.sleep(50);
        }
        List<String> alive = new ArrayList<>();
        processes.stream().filter(ProcessHandle::isAlive).forEach(p -> {
            alive.add(p.pid() + " " + p.info().commandLine().orElse(""));
            p.destroyForcibly(); // not left for the next test
        });
        assertTrue(alive.isEmpty(), what + ": still running " + GONE.toSeconds() + " s later: " + alive);
    }
}
