package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.Poll;
import threadbook.client.SharedKernel;

/** Real worker processes, from the real kernel: the multiprocessing of Threadbook. */
class WorkersIT extends SharedKernel {

    @Test
    void notebookCodeRunsInThreeWorkersInOrderWithDistinctPids() {
        client.execute("""
                record Shape(String name, int side) implements java.io.Serializable {}
                int area(int side) { return side * side; }
                String describe(Shape s) { return s.name() + "=" + area(s.side()) + "@" + ProcessHandle.current().pid(); }
                long agentPid = ProcessHandle.current().pid();""");
        KernelClient.Execution e = client.execute("""
                try (WorkerPool pool = new WorkerPool(3)) {
                    pool.awaitReady();
                    List<String> out = pool.map(s -> describe(s),
                            List.of(new Shape("a", 1), new Shape("b", 2), new Shape("c", 3), new Shape("d", 4), new Shape("e", 5)));
                    System.out.println(String.join(",", out));
                    System.out.println("pids " + pool.pids() + " agent " + agentPid);
                }""", Duration.ofSeconds(60));
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        String[] lines = e.stdout().strip().split("\n");
        String results = lines[0];
        String[] parts = results.split(",");
        assertEquals(5, parts.length, results);
        assertEquals(List.of("a=1", "b=4", "c=9", "d=16", "e=25"),
                Arrays.stream(parts).map(p -> p.substring(0, p.indexOf('@'))).toList(), "results in input order");
        Set<String> workerPids = new HashSet<>();
        for (String p : parts) {
            workerPids.add(p.substring(p.indexOf('@') + 1));
        }
        String agentPid = lines[1].substring(lines[1].lastIndexOf(' ') + 1);
        assertTrue(!workerPids.contains(agentPid), "computed outside the agent JVM: " + e.stdout());
        assertTrue(!workerPids.contains(String.valueOf(kernel.process.pid())), "and outside the kernel");
        assertTrue(lines[1].startsWith("pids ["), lines[1]);
        Set<String> poolPids = new HashSet<>(Arrays.asList(lines[1].substring(6, lines[1].indexOf(']')).split(", ")));
        assertEquals(3, poolPids.size(), "three distinct processes: " + lines[1]);
        assertTrue(poolPids.containsAll(workerPids), lines[1]);
    }

    @Test
    void aWorkersOwnMemoryIsNotTheKernels() {
        client.execute("int counter = 0;\nvoid bump() { counter += 100; System.out.println(\"in the worker, counter = \" + counter); }");
        KernelClient.Execution e = client.execute("WorkerProcess p = new WorkerProcess(() -> bump()).start(); p.join();\n"
                + "System.out.println(\"here, counter = \" + counter + \", exit code \" + p.exitCode());");
        assertTrue(e.stdout().contains("] in the worker, counter = 100"), e.stdout());
        assertTrue(e.stdout().contains("here, counter = 0, exit code 0"), e.stdout());
    }

    @Test
    void aWorkerExceptionComesBackWithItsStackTraceAndThePoolGoesOn() {
        client.execute("int inverse(int n) { return 100 / n; }\nWorkerPool shared = new WorkerPool(2);");
        KernelClient.Execution failed = client.execute("shared.map(n -> inverse(n), List.of(5, 0, 4))");
        assertEquals("error", failed.status());
        String evalue = failed.error().contentString("evalue", "");
        assertTrue(evalue.contains("ArithmeticException"), evalue);
        assertTrue(evalue.contains("stack trace in the worker"), evalue);
        KernelClient.Execution exited = client.execute("shared.map(n -> { if (n == 2) System.exit(7); return n; }, List.of(1, 2))");
        assertEquals("error", exited.status());
        String exitText = exited.error().contentString("evalue", "");
        assertTrue(exitText.contains("exited with code 7"), exitText);
        assertEquals("[20, 25]", client.execute("shared.map(n -> inverse(n), List.of(5, 4))").result(),
                "the pool replaced the worker that exited and still works");
        KernelClient.Execution notSerializable = client.execute("class Plain { }\nshared.map(x -> x, List.of(new Plain()))");
        assertTrue(notSerializable.error().contentString("evalue", "").contains("Plain is not Serializable"),
                String.valueOf(notSerializable.error()));
    }

    @Test
    void processesMagicRunsTheCellInNWorkers() {
        KernelClient.Execution e = client.execute("%%processes 3\nSystem.out.println(\"index \" + workerIndex + \" of 3\");");
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        for (int i = 0; i < 3; i++) {
            assertTrue(e.stdout().contains("index " + i + " of 3"), e.stdout());
        }
        assertTrue(client.execute("%workers").stdout().contains("ended before"));
    }

    @Test
    void interruptDuringMapReturnsAndLeavesNoWorkerBusy() {
        client.execute("void nap(int n) throws Exception { System.out.println(\"napping \" + n); Thread.sleep(60_000); }"
                + "\nWorkerPool sleepy = new WorkerPool(2);\nsleepy.awaitReady();");
        String id = client.executeAsync("sleepy.map(n -> { nap(n); return n; }, List.of(1, 2, 3))");
        // The interrupt must find both workers busy with a task.
        Poll.cellOutput(client, id, Duration.ofSeconds(60), "both workers started a task",
                out -> out.split("napping ", -1).length - 1 >= 2);
        client.reply(client.control, client.send(client.control, "interrupt_request", new JsonObject()), Duration.ofSeconds(10));
        assertEquals("error", client.reply(client.shell, id, Duration.ofSeconds(10)).contentString("status", ""));
        client.iopubUntilIdle(id, Duration.ofSeconds(5));
        String workers = client.execute("%workers").stdout();
        assertTrue(!workers.contains("busy"), workers);
        assertEquals("[1, 2]", client.execute("sleepy.map(n -> n, List.of(1, 2))").result(), "the pool works after it");
    }

    @Test
    void timeCountsTheWorkersCpu() {
        KernelClient.Execution e = client.execute("""
                %%time
                try (WorkerPool pool = new WorkerPool(2)) {
                    pool.map(n -> { long s = 0; for (long i = 0; i < 800_000_000L; i++) s += i % 3; return s; }, List.of(1, 2));
                }""", Duration.ofSeconds(120));
        String out = e.stdout();
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("\\+ ([0-9.]+ m?s) \\(worker processes\\)").matcher(out);
        assertTrue(m.find(), out);
        assertNotEquals(0.0, MagicsIT.toSeconds(m.group(1)), out);
        assertTrue(MagicsIT.toSeconds(m.group(1)) > 0.2, out);
    }
}
