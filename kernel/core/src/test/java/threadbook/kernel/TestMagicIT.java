package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernel;

/** %%test through the real kernel: JUnit fetched by the kernel, run in the session's JVM against the notebook. */
class TestMagicIT extends SharedKernel {
    private static final Duration LONG = Duration.ofSeconds(240);

    private static String traceback(KernelClient.Execution e) {
        return e.error() == null ? "" : e.error().content().get("traceback").toString();
    }

    @Test
    void passingTestsUseTheNotebooksMethodsAndVariablesAndReportEachTest() {
        client.execute("int sumOfSquares(int n) { int s = 0; for (int i = 1; i <= n; i++) s += i * i; return s; }\n"
                + "List<String> names = List.of(\"Ada\", \"Alan\");");
        KernelClient.Execution e = client.execute("""
                %%test
                import java.util.function.IntUnaryOperator;
                int limit = 5;                         // a field of the test class
                int twice(int x) { return 2 * x; }     // a helper method
                @Test void sumOfSquaresOfFive() { assertEquals(55, sumOfSquares(limit)); }
                @Test void variablesOfTheNotebook() { assertEquals(2, names.size()); IntUnaryOperator f = this::twice; assertEquals(4, f.applyAsInt(2)); }
                """, LONG);
        assertEquals("ok", e.status(), traceback(e) + e.stdout());
        assertTrue(e.stdout().contains("passed\u001b[0m  sumOfSquaresOfFive()"), e.stdout());
        assertTrue(e.stdout().contains("variablesOfTheNotebook()"), e.stdout());
        assertTrue(e.stdout().contains("2 passed, 0 failed"), e.stdout());
    }

    @Test
    void aFailingTestMakesTheCellAnErrorWithItsMessageAndCellLine() {
        client.execute("int triple(int x) { return 3 * x + 1; } // a bug for the test to find");
        KernelClient.Execution e = client.execute("""
                %%test
                @Test void tripleOfTwo() {
                    assertEquals(6, triple(2), "triple(2)");
                }
                @Test void tripleOfZero() { assertEquals(0, triple(0) - 1); }
                """, LONG);
        assertEquals("error", e.status(), e.stdout());
        assertEquals("TestFailure", e.error().contentString("ename", ""));
        assertEquals("1 of 2 tests failed", e.error().contentString("evalue", ""));
        assertTrue(e.stdout().contains("FAILED\u001b[0m  tripleOfTwo(): triple(2) ==> expected: <6> but was: <7>"), e.stdout());
        assertTrue(e.stdout().matches("(?s).*tripleOfTwo\\(\\).*\\(cell \\[\\d+\\], line 3\\).*"), "the assert's line: " + e.stdout());
        assertTrue(e.stdout().contains("1 passed, 1 failed"), e.stdout());
        assertTrue(traceback(e).contains("triple(2) ==> expected: <6> but was: <7>"), traceback(e));
    }

    @Test
    void aTestThatHangsIsStoppedAndReportedWithTheThreadsStacksAndTheKernelGoesOn() {
        // Two threads that each wait for the other's lock: interrupts cannot free them, the timeout must.
        KernelClient.Execution e = client.execute("""
                %%test --timeout 3
                @Test void transfersFinish() throws Exception {
                    Object a = new Object(), b = new Object();
                    Thread one = new Thread(() -> { synchronized (a) { sleepALittle(); synchronized (b) { } } }, "mover-1");
                    Thread two = new Thread(() -> { synchronized (b) { sleepALittle(); synchronized (a) { } } }, "mover-2");
                    one.start(); two.start(); one.join(); two.join();
                }
                static void sleepALittle() { try { Thread.sleep(200); } catch (InterruptedException e) { } }
                """, LONG);
        assertEquals("error", e.status(), e.stdout());
        assertTrue(e.stdout().contains("FAILED\u001b[0m  transfersFinish(): ") && e.stdout().contains("timed out after 3 seconds"),
                e.stdout());
        String tb = traceback(e);
        assertTrue(tb.contains("thread mover-1 (blocked, waiting for") && tb.contains("which mover-2 holds"), tb);
        assertTrue(tb.matches("(?s).*at lambda\\$.*\\(cell \\[\\d+\\], line 4\\).*"), "mover-1's line in the cell: " + tb);
        assertEquals("2", client.execute("1 + 1").result(), "the kernel runs the next cell");
    }

    @Test
    void repeatedTestsTimeoutsAndPreemptiveAssertionsWork() {
        KernelClient.Execution e = client.execute("""
                %%test
                @RepeatedTest(20) void atomicCounterIsExact() throws Exception {
                    AtomicLong counter = new AtomicLong();
                    Thread[] ts = new Thread[4];
                    for (int i = 0; i < ts.length; i++) { ts[i] = new Thread(() -> { for (int j = 0; j < 10_000; j++) counter.incrementAndGet(); }); ts[i].start(); }
                    for (Thread t : ts) t.join();
                    assertEquals(40_000, counter.get());
                }
                @Test @Timeout(10) void finishesInTime() throws Exception { Thread.sleep(10); }
                @Test void preemptive() { assertTimeoutPreemptively(java.time.Duration.ofSeconds(10), () -> Thread.sleep(10)); }
                @Test void preemptiveFails() { assertTimeoutPreemptively(java.time.Duration.ofMillis(300), () -> Thread.sleep(60_000)); }
                """, LONG);
        assertEquals("error", e.status(), e.stdout());
        assertTrue(e.stdout().contains("atomicCounterIsExact() (20 of 20 passed)"), e.stdout());
        assertTrue(e.stdout().contains("passed\u001b[0m  finishesInTime()"), e.stdout());
        assertTrue(e.stdout().contains("passed\u001b[0m  preemptive()"), e.stdout());
        assertTrue(e.stdout().contains("FAILED\u001b[0m  preemptiveFails(): execution timed out after 300 ms"), e.stdout());
        assertTrue(e.stdout().contains("22 passed, 1 failed"), e.stdout());
    }

    @Test
    void aFailingConcurrencyPropertyIsReported() {
        // The property: the pool runs 4 tasks at the same time. A pool of one thread cannot.
        client.execute("ExecutorService pool = Executors.newFixedThreadPool(1);");
        KernelClient.Execution e = client.execute("""
                %%test
                @Test void fourTasksRunAtOnce() throws Exception {
                    AtomicInteger running = new AtomicInteger(), most = new AtomicInteger();
                    List<Future<?>> done = new ArrayList<>();
                    for (int i = 0; i < 4; i++) done.add(pool.submit(() -> {
                        most.accumulateAndGet(running.incrementAndGet(), Math::max);
                        try { Thread.sleep(200); } catch (InterruptedException ex) { }
                        running.decrementAndGet();
                    }));
                    for (Future<?> f : done) f.get();
                    assertEquals(4, most.get(), "tasks running at the same time");
                }
                """, LONG);
        assertEquals("TestFailure", e.error().contentString("ename", ""), e.stdout());
        assertTrue(e.stdout().contains("tasks running at the same time ==> expected: <4> but was: <1>"), e.stdout());
        assertTrue(e.stdout().matches("(?s).*\\(cell \\[\\d+\\], line 11\\).*"), e.stdout());
        client.execute("pool.shutdown();");
    }

    @Test
    void aCompileErrorPointsAtTheCellLineAndNoTestsIsAnError() {
        KernelClient.Execution e = client.execute("%%test\n@Test void broken() {\n    assertEquals(1, \"text\".noSuchMethod());\n}", LONG);
        assertEquals("CompileError", e.error().contentString("ename", ""));
        assertTrue(traceback(e).contains("line 3"), traceback(e));
        KernelClient.Execution undeclared = client.execute("%%test\n@Test void early() { assertEquals(1, notYetWritten()); }", LONG);
        assertEquals("CompileError", undeclared.error().contentString("ename", ""));
        assertTrue(undeclared.error().contentString("evalue", "").contains("notYetWritten"), traceback(undeclared));
        KernelClient.Execution none = client.execute("%%test\nvoid notATest() { }", LONG);
        assertEquals("NoTests", none.error().contentString("ename", ""));
        KernelClient.Execution bad = client.execute("%%test --timeout soon\n@Test void t() { }", LONG);
        assertEquals("UsageError", bad.error().contentString("ename", ""));
    }
}
