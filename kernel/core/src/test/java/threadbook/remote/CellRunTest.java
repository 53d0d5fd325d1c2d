package threadbook.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.spi.ExecutionControl.StoppedException;
import org.junit.jupiter.api.Test;

/**
 * The run of a cell as the kernel's stops see it, with a clock the test moves: a stop before the start, the
 * stop thrown only into the run's own code and once, the grace counted from the throw, and a late stop that
 * never reaches the next run.
 */
class CellRunTest {
    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);
    private final AtomicLong clock = new AtomicLong(1_000 * MS);
    private final AtomicInteger thrown = new AtomicInteger();
    private final CellRun.Thrower thrower = () -> {
        thrown.incrementAndGet();
        return true;
    };

    private CellRun run(long id) {
        return new CellRun(id, null, 1_000, clock::get);
    }

    @Test
    void aStopBeforeTheStartMeansNoneOfTheRunStarts() {
        CellRun run = run(1);
        assertEquals(CellRun.State.QUEUED, run.requestStop());
        assertFalse(run.start());
        assertFalse(run.beginJava());
        assertThrows(StoppedException.class, run::enterUserCode);
        assertEquals(CellRun.State.QUEUED, run.state());
    }

    @Test
    void aStopWhileJShellCompilesIsThrownIntoNothingAndRefusesTheCode() throws Exception {
        CellRun run = run(1);
        assertTrue(run.start());
        assertTrue(run.beginJava());
        assertFalse(run.throwStop(thrower), "no code of the run runs yet");
        assertEquals(0, thrown.get());
        assertThrows(StoppedException.class, run::enterUserCode);
    }

    @Test
    void theStopIsThrownOnceIntoTheRunsCodeAndTheGraceCountsFromTheThrow() throws Exception {
        CellRun run = run(1);
        run.start();
        run.beginJava();
        clock.addAndGet(5_000 * MS); // JShell compiled for long: that does not count
        run.enterUserCode();
        assertTrue(run.throwStop(thrower));
        assertTrue(run.throwStop(thrower));
        assertEquals(1, thrown.get(), "thrown once");

        clock.addAndGet(999 * MS);
        assertFalse(run.pastGrace(true, () -> true));
        clock.addAndGet(2 * MS);
        assertFalse(run.pastGrace(true, () -> false), "the agent's code has ended: nothing to escalate");
        assertTrue(run.pastGrace(true, () -> true));
    }

    @Test
    void codeTheStopCannotReachEscalatesAfterTheGraceToo() throws Exception {
        CellRun run = run(1);
        run.start();
        run.beginJava();
        run.enterUserCode();
        assertFalse(run.throwStop(() -> false), "its thread is not known yet");
        assertFalse(run.pastGrace(false, () -> true));
        clock.addAndGet(1_001 * MS);
        assertTrue(run.pastGrace(false, () -> true));
        run.leaveUserCode();
        assertFalse(run.pastGrace(false, () -> true), "no code runs: nothing to escalate");
    }

    @Test
    void aLateStopOfOneRunNeverReachesTheNext() throws Exception {
        CellRun first = run(1);
        first.start();
        first.beginJava();
        first.enterUserCode();
        first.leaveUserCode();
        first.endJava();
        first.end();

        CellRun second = run(2);
        second.start();
        second.beginJava();
        second.enterUserCode();
        assertFalse(first.throwStop(thrower), "the first run's code has ended");
        assertEquals(0, thrown.get(), "nothing was thrown into the second run's code");
        assertFalse(second.stopRequested());
        assertTrue(second.inUserCode());
    }

    @Test
    void aSubshellsStopGivesUpOnceTheGraceSinceItWasAskedForIsOver() {
        CellRun run = new CellRun(3, "sub", 1_000, clock::get);
        run.start();
        assertFalse(run.stopDeadlinePassed(), "no stop asked for");
        run.requestStop();
        clock.addAndGet(1_000 * MS);
        assertFalse(run.stopDeadlinePassed());
        clock.addAndGet(1 * MS);
        assertTrue(run.stopDeadlinePassed());
    }

    @Test
    void aStopperWaitingForTheJavaStepIsWokenWhenItEnds() throws Exception {
        CellRun run = run(1);
        run.start();
        run.beginJava();
        assertFalse(run.awaitOutOfJava(1));
        CompletableFuture<Boolean> waiting = CompletableFuture.supplyAsync(() -> {
            try {
                return run.awaitOutOfJava(60_000);
            } catch (InterruptedException e) {
                return false;
            }
        });
        run.endJava();
        assertTrue(waiting.get(60, TimeUnit.SECONDS));
    }
}
