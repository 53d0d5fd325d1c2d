package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import threadbook.client.ChildProcesses;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.Poll;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/**
 * Concurrency-proof execution: output of many threads, every kind of interrupt, and the errors that
 * the JVM survives. One kernel whose agent has a small heap, so that running out of memory is quick.
 */
class ExecutionSemanticsIT extends SharedKernel {
    @Override
    protected Map<String, String> environment() {
        return Map.of("THREADBOOK_AGENT_OPTS", "-Xmx192m -Dthreadbook.output.cap=2000000");
    }

    @BeforeAll
    void prepare() {
        client.execute("String keep = \"state survives\";");
    }

    @Test
    void sixteenThreadsPrintingTwoThousandLinesEachArriveWholeAndInOrder() {
        KernelClient.Execution e = client.execute("""
                Thread[] printers = new Thread[16];
                for (int i = 0; i < 16; i++) {
                    int k = i;
                    printers[i] = new Thread(() -> { for (int j = 0; j < 2000; j++) System.out.println("t" + k + " line " + j); });
                    printers[i].start();
                }
                for (Thread t : printers) t.join();""");
        assertEquals("ok", e.status());
        String[] lines = e.stdout().split("\n", -1);
        assertEquals(32_001, lines.length, "32,000 lines and the empty rest after the last newline");
        int[] next = new int[16];
        Pattern line = Pattern.compile("t(\\d+) line (\\d+)");
        for (int i = 0; i < 32_000; i++) {
            Matcher m = line.matcher(lines[i]);
            assertTrue(m.matches(), "a whole line: '" + lines[i] + "'");
            int thread = Integer.parseInt(m.group(1));
            assertEquals(next[thread], Integer.parseInt(m.group(2)), "thread " + thread + "'s lines in order");
            next[thread]++;
        }
        assertTrue(e.ofType("stream").size() < 200, "batched: " + e.ofType("stream").size() + " messages");
    }

    @Test
    void endlessPrintingIsCappedWithANoteAndStaysInterruptible() {
        String id = client.executeAsync("long n = 0; while (true) { System.out.println(\"spam line \" + n++); }");
        // Until the cap is reached, however slow the machine prints.
        StringBuilder out = streamUntil(client, id, "[output truncated");
        client.send(client.control, "interrupt_request", new JsonObject());
        Message reply = client.reply(client.shell, id, Duration.ofSeconds(10));
        assertEquals("Interrupted", reply.contentString("ename", ""));
        for (Message m : client.iopubUntilIdle(id, Duration.ofSeconds(10))) {
            if (m.type().equals("stream")) {
                out.append(m.contentString("text", ""));
            }
        }
        assertTrue(out.indexOf("[output truncated: this cell printed more than 1.91 MB to stdout") >= 0,
                "the note: " + out.substring(Math.max(0, out.length() - 300)));
        assertTrue(out.length() < 2_200_000, "capped near 2 MB: " + out.length());
        assertEquals("\"state survives\"", client.execute("keep").result());
    }

    @Test
    void everyKindOfInterruptEndsTheCell() {
        client.execute("""
                void pause() { try { Thread.sleep(300); } catch (InterruptedException e) { } }
                void running() { System.out.println("running"); }
                void runningOnceDeadlocked() throws InterruptedException {
                    while (java.lang.management.ManagementFactory.getThreadMXBean().findDeadlockedThreads() == null) {
                        Thread.sleep(10);
                    }
                    running();
                }""");
        // Each cell calls running() in the statement the interrupt must find it in (see interruptAndCheck).
        Predicate<String> none = threads -> threads.contains("No thread started by your cells is running.");
        interruptAndCheck("{ running(); while (true) { } }", none);
        interruptAndCheck("{ running(); Thread.sleep(600_000); }", none);
        interruptAndCheck("Thread sleeper = new Thread(() -> { try { Thread.sleep(600_000); } catch (InterruptedException e) { } });"
                + " sleeper.start(); { running(); sleeper.join(); }", none);
        interruptAndCheck("Object lock = new Object(); synchronized (lock) { running(); lock.wait(); }", none);
        interruptAndCheck("LongStream.range(0, Long.MAX_VALUE).peek(i -> { if (i == 0) running(); }).sum()", none);
        // Last, as what it leaves stays: threads deadlocked on each other's monitors cannot be stopped in a JVM
        // (a stop is thrown in a thread when it runs, and these never run again); a restart ends them.
        interruptAndCheck("""
                Object a = new Object(), b = new Object();
                Thread one = new Thread(() -> { synchronized (a) { pause(); synchronized (b) { } } });
                Thread two = new Thread(() -> { synchronized (b) { pause(); synchronized (a) { } } });
                one.start(); two.start(); { runningOnceDeadlocked(); one.join(); }""",
                threads -> threads.contains("2 threads started by your cells still running") && threads.contains("a deadlock"),
                "could not stop thread");
        assertEquals("\"state survives\"", client.execute("keep").result(), "a stopped cell keeps the session");
    }

    @Test
    void aCellThatCatchesEverythingIsEndedByARestartWithinThreeSeconds() throws Exception {
        try (KernelProcess own = KernelProcess.start(); KernelClient c = own.client()) {
            c.awaitReady(Duration.ofSeconds(30));
            c.execute("int lost = 1;");
            String id = c.executeAsync("while (true) { System.out.println(\"looping\"); try { while (true) { } } catch (Throwable t) { } }");
            // Once it runs: an interrupt while it still compiles would cancel it without a restart.
            streamUntil(c, id, "looping");
            long t0 = System.nanoTime();
            c.send(c.control, "interrupt_request", new JsonObject());
            Message reply = c.reply(c.shell, id, Duration.ofSeconds(10));
            double seconds = (System.nanoTime() - t0) / 1e9;
            assertTrue(seconds < 3.0, "reply after " + seconds + " s");
            String evalue = reply.contentString("evalue", "");
            assertTrue(evalue.contains("did not stop") && evalue.contains("new one") && evalue.contains("gone"), evalue);
            assertEquals("2", c.execute("1 + 1").result(), "the next cell runs in the fresh session");
        }
    }

    @Test
    void outOfMemoryAndStackOverflowKeepTheSession() {
        KernelClient.Execution oom = client.execute("List<long[]> hog = new ArrayList<>(); while (true) hog.add(new long[1_000_000]);",
                Duration.ofSeconds(120));
        assertEquals("error", oom.status());
        assertEquals("java.lang.OutOfMemoryError", oom.error().contentString("ename", ""), String.valueOf(oom.error()));
        client.execute("hog = null; System.gc();");
        assertEquals("\"state survives\"", client.execute("keep").result());
        client.execute("int down(int n) { return down(n + 1) + 1; }");
        KernelClient.Execution deep = client.execute("down(0)");
        assertEquals("java.lang.StackOverflowError", deep.error().contentString("ename", ""));
        assertEquals("\"state survives\"", client.execute("keep").result());
    }

    @Test
    void haltIsReportedAndTheNextCellRuns() throws Exception {
        try (KernelProcess own = KernelProcess.start(); KernelClient c = own.client()) {
            c.awaitReady(Duration.ofSeconds(30));
            KernelClient.Execution halt = c.execute("Runtime.getRuntime().halt(4);");
            assertEquals("error", halt.status());
            String evalue = halt.error().contentString("evalue", "");
            assertTrue(evalue.contains("exit code 4") && evalue.contains("Runtime.halt"), evalue);
            assertEquals("2", c.execute("1 + 1").result());
        }
    }

    @Test
    void restartEndsAThreadThatPrintsForever() throws Exception {
        try (KernelProcess own = KernelProcess.start(); KernelClient c = own.client()) {
            c.awaitReady(Duration.ofSeconds(30));
            c.execute("new Thread(() -> { while (true) { System.out.println(\"tick\"); try { Thread.sleep(50); } catch (InterruptedException e) { } } }).start();");
            var below = ChildProcesses.below(own);
            assertTrue(!below.isEmpty());
            ChildProcesses.shutdown(own, c, true);
            ChildProcesses.assertNoneSurvives(below, "the agent and its thread are gone");
        }
    }

    /** The stream output of cell {@code id} from now until {@code text} appears in it (a minute at most). */
    private static StringBuilder streamUntil(KernelClient c, String id, String text) {
        return new StringBuilder(Poll.cellOutput(c, id, Duration.ofSeconds(60), "the cell printed " + text,
                out -> out.contains(text)));
    }

    /**
     * Interrupts {@code code} once it printed "running" (calling running() in the same statement as what the
     * interrupt must stop: a cell of several statements runs them one by one, and an interrupt that comes while
     * the cell still compiles, or between two statements, takes another path).
     */
    private void interruptAndCheck(String code, Predicate<String> leftAfterASecondInterrupt) {
        interruptAndCheck(code, leftAfterASecondInterrupt, null);
    }

    /** {@code saidAfterASecondInterrupt}: what the second interrupt must say under the cell (null: not looked at). */
    private void interruptAndCheck(String code, Predicate<String> leftAfterASecondInterrupt, String saidAfterASecondInterrupt) {
        String id = client.executeAsync(code);
        streamUntil(client, id, "running");
        long t0 = System.nanoTime();
        client.send(client.control, "interrupt_request", new JsonObject());
        Message reply = client.reply(client.shell, id, Duration.ofSeconds(10));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("error", reply.contentString("status", ""), code);
        assertEquals("Interrupted", reply.contentString("ename", ""), code + ": " + reply.content());
        assertTrue(seconds < 2.0, code + " took " + seconds + " s to stop");
        client.iopubUntilIdle(id, Duration.ofSeconds(5));
        // A second interrupt, with no cell running, stops the threads the cell left behind.
        client.reply(client.control, client.send(client.control, "interrupt_request", new JsonObject()), Duration.ofSeconds(10));
        if (saidAfterASecondInterrupt != null) {
            StringBuilder said = new StringBuilder();
            long deadline = System.nanoTime() + Duration.ofSeconds(40).toNanos();
            while (said.indexOf(saidAfterASecondInterrupt) < 0 && System.nanoTime() < deadline) {
                for (Message m : client.iopubFor(Duration.ofMillis(200))) {
                    if (m.type().equals("stream") && KernelClient.parentId(m).equals(id)) {
                        said.append(m.contentString("text", ""));
                    }
                }
            }
            assertTrue(said.indexOf(saidAfterASecondInterrupt) >= 0, "the second interrupt said: " + said);
            assertFalse(said.toString().contains("Interrupt: stopped thread"),
                    "no deadlocked thread is said to be stopped: " + said);
        }
        Poll.until(Duration.ofSeconds(30), "what the second interrupt left of " + code,
                () -> client.execute("%threads").stdout(), leftAfterASecondInterrupt);
    }
}
