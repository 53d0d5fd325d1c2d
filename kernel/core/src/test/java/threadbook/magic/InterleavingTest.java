package threadbook.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Lincheck's report of two transfers that take their accounts' locks in argument order (as Lincheck 3.7 printed it
 * for a notebook, lincheck-deadlock.txt) in words: the deadlock, and each thread's steps with the cell line, the
 * lock it took and the one it waits for. The notebook's code is $JShell$4 (the transfer, lines 6 and 7 of its
 * wrapper) and $JShell$9 (the test).
 */
class InterleavingTest {

    private static String report() throws Exception {
        try (InputStream in = InterleavingTest.class.getResourceAsStream("/threadbook/magic/lincheck-deadlock.txt")) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    /** Where the notebook's frames are: the transfer's wrapper is cell [3], the test's cell [4]. */
    private static String cellLine(StackTraceElement f) {
        if (f.getClassName().equals("REPL.$JShell$4")) {
            return "cell [3], line " + (f.getLineNumber() - 3);
        }
        return f.getClassName().startsWith("REPL.$JShell$9$NotebookTests") ? "cell [4], line " + (f.getLineNumber() - 4) : null;
    }

    @Test
    void aDeadlockInWords() throws Exception {
        String report = report();
        assertTrue(Interleaving.isReport(report));
        assertEquals("the threads never finished: a deadlock, each waits for a lock another one holds", Interleaving.headline(report));
        List<String> steps = Interleaving.steps(report, InterleavingTest::cellLine);
        String all = String.join("\n", steps);
        assertTrue(steps.contains("Thread 2     takes a lock (synchronized)    (cell [3], line 3)"), all);
        assertTrue(steps.contains("Thread 1     takes a lock (synchronized)    (cell [3], line 3)"), all);
        assertTrue(steps.contains("Thread 1     waits for a lock (synchronized) that another thread holds    (cell [3], line 4)"), all);
        // Thread 2's last step: it wanted the second lock when everything stopped.
        assertEquals("Thread 2     waits for a lock (synchronized) that another thread holds    (cell [3], line 4)", steps.get(steps.size() - 1));
        assertTrue(steps.contains("Thread 1     transfer(Account#1, Account#2, 10)    (cell [4], line 5)"), "the notebook's names, not JShell's: " + all);
        assertTrue(steps.contains("Main Thread  is paused: waiting for Thread 1 to finish"), all);
        assertFalse(all.contains("|") || all.contains("$JShell$") || all.contains("MONITORENTER"), all);
    }

    @Test
    void aFailedAssertionIsTheHeadline() {
        String report = "= Concurrent test failed =\n\norg.opentest4j.AssertionFailedError: expected: <2> but was: <1>\n"
                + "\tat REPL.$JShell$6$NotebookTests.lambda$t$4($JShell$6.java:32)\n";
        assertEquals("expected: <2> but was: <1> (in one interleaving of the threads)", Interleaving.headline(report));
        assertEquals(List.of(), Interleaving.steps(report, f -> null), "no table, no steps");
        assertFalse(Interleaving.isReport("expected: <2> but was: <1>"));
    }
}
