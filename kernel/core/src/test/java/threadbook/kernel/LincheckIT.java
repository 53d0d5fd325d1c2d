package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;

/**
 * Lincheck's model checking from a %%test cell, through the real kernel: the Java session restarts once with
 * Lincheck on its startup class path (the notebook's classes are defined again), a typical wrong answer fails
 * with the interleaving that breaks it in words (thread, what it did, cell line), the right answer passes. On a
 * Java where Lincheck explores nothing, the cell says so instead of passing every test.
 */
class LincheckIT {
    private static final Duration LONG = Duration.ofSeconds(300);

    private static final String COUNTER_TEST = """
            %%test
            @Test void twoThreadsCountTwo() {
                Lincheck.runConcurrentTest(() -> {
                    Counter c = new Counter();
                    Thread a = new Thread(c::increment), b = new Thread(c::increment);
                    a.start(); b.start();
                    try { a.join(); b.join(); } catch (InterruptedException e) { throw new IllegalStateException(e); }
                    assertEquals(2, c.get());
                });
            }
            """;

    private static final String TRANSFER_TEST = """
            %%test
            @Test void oppositeTransfersFinish() {
                Lincheck.runConcurrentTest(() -> {
                    Account a = new Account(1, 100), b = new Account(2, 100);
                    Thread one = new Thread(() -> transfer(a, b, 10)), two = new Thread(() -> transfer(b, a, 20));
                    one.start(); two.start();
                    try { one.join(); two.join(); } catch (InterruptedException e) { throw new IllegalStateException(e); }
                    assertEquals(200, a.balance + b.balance);
                });
            }
            """;

    private static String said(KernelClient.Execution e) {
        return e.stdout() + (e.error() == null ? "" : e.error().content().get("traceback").toString());
    }

    /** On the tests' own JDK (17), where Lincheck 3.7 explores the threads. */
    @Test
    void aRacyCounterAndLocksInArgumentOrderFailWithTheirInterleavingAndTheRightAnswersPass() throws Exception {
        assertTrue(Runtime.version().feature() <= 21, "this test needs a JDK Lincheck supports; the build's is " + Runtime.version());
        try (KernelProcess kernel = KernelProcess.start(Map.of());
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            client.execute("class Counter { private int n; void increment() { n++; } int get() { return n; } }");
            KernelClient.Execution racy = client.execute(COUNTER_TEST, LONG);
            String said = said(racy);
            assertTrue(racy.stdout().contains("the Java session restarts with it"), said);
            assertEquals("TestFailure", racy.error().contentString("ename", ""), said);
            assertTrue(racy.stdout().contains("twoThreadsCountTwo(): expected: <2> but was: <1> (in one interleaving of the threads)"), said);
            assertTrue(said.contains("The interleaving of the threads that Lincheck found, step by step:"), said);
            // Both threads read n before either writes it: the lost update, at the line of n++ in cell [1].
            assertTrue(said.matches("(?s).*Thread 1 +reads n: 0 +\\(cell \\[1\\], line 1\\).*"), said);
            assertTrue(said.matches("(?s).*Thread 2 +reads n: 0 +\\(cell \\[1\\], line 1\\).*"), said);
            assertTrue(said.matches("(?s).*Thread \\d +writes n = 1 .*Thread \\d +writes n = 1 .*"), said);
            assertTrue(said.matches("(?s).*is paused here: another thread runs.*"), said);
            assertFalse(said.contains("| ---"), "no raw table: " + said);

            // Only the methods' bodies change: JShell would redefine the class in place, which Lincheck would not see.
            client.execute("class Counter { private int n; void increment() { synchronized (this) { n++; } } int get() { synchronized (this) { return n; } } }");
            KernelClient.Execution locked = client.execute(COUNTER_TEST, LONG);
            assertEquals("ok", locked.status(), said(locked));
            assertTrue(locked.stdout().contains("1 passed, 0 failed"), locked.stdout());
            assertFalse(locked.stdout().contains("restarts"), "one restart only: " + locked.stdout());

            client.execute("""
                    class Account { final int id; int balance; Account(int id, int balance) { this.id = id; this.balance = balance; } }
                    void transfer(Account from, Account to, int amount) {
                        synchronized (from) {
                            synchronized (to) { from.balance -= amount; to.balance += amount; }
                        }
                    }
                    """);
            KernelClient.Execution argumentOrder = client.execute(TRANSFER_TEST, LONG);
            said = said(argumentOrder);
            assertEquals("TestFailure", argumentOrder.error().contentString("ename", ""), said);
            assertTrue(said.contains("oppositeTransfersFinish(): the threads never finished: a deadlock"), said);
            // Each thread took the lock of its first account (line 3) and waits for the other's (line 4).
            for (String thread : new String[] {"Thread 1", "Thread 2"}) {
                assertTrue(said.matches("(?s).*" + thread + " +takes a lock \\(synchronized\\) +\\(cell \\[5\\], line 3\\).*"), said);
                assertTrue(said.matches("(?s).*" + thread + " +waits for a lock \\(synchronized\\) that another thread holds"
                        + " +\\(cell \\[5\\], line 4\\).*"), said);
            }

            client.execute("""
                    void transfer(Account from, Account to, int amount) {
                        Account first = from.id < to.id ? from : to, second = first == from ? to : from;
                        synchronized (first) {
                            synchronized (second) { from.balance -= amount; to.balance += amount; }
                        }
                    }
                    """);
            KernelClient.Execution ordered = client.execute(TRANSFER_TEST, LONG);
            assertEquals("ok", ordered.status(), said(ordered));
        }
    }

    /** Lincheck 3.7 finds nothing on Java 25: the cell must fail with words, not pass every test. */
    @Test
    void onAJavaLincheckCannotExploreTheCellSaysSo() throws Exception {
        Path java = NotebookExercises.newestJava();
        try (KernelProcess kernel = KernelProcess.start(Map.of(), java);
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            client.execute("int version = Runtime.version().feature();");
            int version = Integer.parseInt(client.execute("version").result());
            client.execute("class Counter { private int n; void increment() { n++; } int get() { return n; } }");
            KernelClient.Execution e = client.execute(COUNTER_TEST, LONG);
            if (version <= 21) {
                assertEquals("TestFailure", e.error().contentString("ename", ""), said(e)); // explores there
                return;
            }
            assertEquals("LincheckUnsupported", e.error().contentString("ename", ""), said(e));
            assertTrue(e.error().contentString("evalue", "").contains("on Java " + version), said(e));
            assertTrue(e.error().contentString("evalue", "").contains("--java"), "names what to do: " + said(e));
        }
    }
}
