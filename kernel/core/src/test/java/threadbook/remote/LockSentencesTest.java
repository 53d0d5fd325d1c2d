package threadbook.remote;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The words for a deadlock, from the agent's encoding (the live cases are in DeadlockReportIT). */
class LockSentencesTest {

    @Test
    void aThreeThreadCycleAndAThreadWaitingOnItAreNamedInOrder() {
        String encoded = ""
                + "thread\tlate\tBLOCKED\tfork1\tphil-1\n"
                + "thread\tphil-1\tBLOCKED\tfork2\tphil-2\n"
                + "\tREPL.$JShell$12\tlambda$do_it$0\t$JShell$12.java\t7\n"
                + "thread\tphil-2\tBLOCKED\tfork3\tphil-3\n"
                + "thread\tphil-3\tWAITING\tfork1\tphil-1\n";
        String text = LockSentences.deadlock(encoded, f -> f.getLineNumber() == 7 ? "cell [4], line 2" : null);
        assertTrue(text.startsWith("phil-1 holds fork1 and waits for fork2, which phil-2 holds; phil-2 holds fork2 and waits"
                + " for fork3, which phil-3 holds; phil-3 holds fork3 and waits for fork1, which phil-1 holds: a deadlock."), text);
        assertTrue(text.contains("late waits for fork1, which phil-1 holds: it waits forever too."), text);
        assertTrue(text.contains("  phil-1 is stuck at cell [4], line 2\n"), text);
    }
}
