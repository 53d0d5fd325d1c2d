package threadbook.jshell;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import jdk.jshell.spi.ExecutionControl;
import threadbook.remote.AgentExecutionControl;
import threadbook.remote.CellRun;

/**
 * Runs the notebook's shell's Java in the session (SubshellRuns does a subshell's), on the main connection
 * to the agent, and stops it: JShell's stop through JDI, again until it lands, and, past the grace, the end of
 * the Java process. Whether a run is stopped, runs Java, runs code in the agent, and when the stop was
 * thrown, its CellRun holds; this knows which run is on the main connection now.
 */
final class NotebookRuns {
    private static final Logger LOG = Logger.getLogger(NotebookRuns.class.getName());

    /**
     * The run whose Java runs on the main connection now, null between: the thread limit's event names a
     * cell by its number, and questions to the agent wait while one runs.
     */
    private volatile CellRun current;
    /** Whether an interrupt ever stopped a cell of this session (the death message says so). */
    private volatile boolean anyStopped;
    private final Supplier<AgentExecutionControl> control;
    private final SnippetEvaluator evaluator;
    private final ReentrantLock evalLock;
    private final SubshellRuns.OutputWait output;
    private final BooleanSupplier closed;
    /** Whether the kernel ended the Java process (then a failure of JShell's is its loss, not a bug). */
    private final BooleanSupplier killed;
    private final Supplier<String> deathMessage;
    private final ThreadLocal<Boolean> lastValueRich;

    NotebookRuns(Supplier<AgentExecutionControl> control, SnippetEvaluator evaluator, ReentrantLock evalLock,
                 SubshellRuns.OutputWait output, BooleanSupplier closed, BooleanSupplier killed,
                 Supplier<String> deathMessage, ThreadLocal<Boolean> lastValueRich) {
        this.control = control;
        this.evaluator = evaluator;
        this.evalLock = evalLock;
        this.output = output;
        this.closed = closed;
        this.killed = killed;
        this.deathMessage = deathMessage;
        this.lastValueRich = lastValueRich;
    }

    /**
     * The cell costs only what JShell itself sends (load, invoke): the cell travels with each invoke, and
     * its end comes back on the event channel.
     */
    CellResult run(CellRun run, String cellLabel, String code) {
        if (closed.getAsBoolean()) {
            return CellResult.sessionLost(deathMessage.get());
        }
        if (!run.beginJava()) {
            return CellResult.interrupted("The cell was interrupted.");
        }
        current = run;
        AgentExecutionControl engine = control.get();
        if (engine != null) {
            engine.startCell(run, cellLabel);
        }
        long commandsBefore = engine == null ? 0 : engine.commandsSent();
        try {
            CellResult result;
            evalLock.lock();
            try {
                result = evaluator.evaluate(cellLabel, code, run::stopRequested);
            } finally {
                evalLock.unlock();
            }
            long lastRun = engine == null ? 0 : engine.endCell();
            if (!closed.getAsBoolean()) {
                lastValueRich.set(output.await(run.id(), lastRun));
            }
            if (closed.getAsBoolean()) {
                return CellResult.sessionLost(deathMessage.get());
            }
            if (engine != null && LOG.isLoggable(java.util.logging.Level.FINE)) {
                LOG.fine(run + ": " + (engine.commandsSent() - commandsBefore) + " commands to the agent");
            }
            return result;
        } catch (IllegalStateException e) {
            if (closed.getAsBoolean() || killed.getAsBoolean()) {
                return CellResult.sessionLost(deathMessage.get());
            }
            return CellResult.error("InternalError", "the kernel could not run the cell: " + e,
                    List.of("The kernel could not run the cell: " + e));
        } finally {
            if (engine != null) {
                engine.endCell();
            }
            current = null;
            run.endJava();
        }
    }

    /** The run of cell {@code cell} if its Java runs now, else null. */
    CellRun running(long cell) {
        CellRun now = current;
        return now != null && now.id() == cell ? now : null;
    }

    boolean anyRuns() {
        return current != null;
    }

    boolean anyStopped() {
        return anyStopped;
    }

    /**
     * Stops run {@code run} (see JShellSession.stop); false if user code got the stop and has not ended
     * within the grace, or could not be reached that long: then only ending the Java process stops it.
     */
    boolean interrupt(CellRun run) {
        run.requestStop();
        anyStopped = true;
        try {
            while (true) {
                AgentExecutionControl engine = control.get();
                if (engine == null || closed.getAsBoolean() || !run.inJava()) {
                    return true; // ended, or not started yet: then it sees the stop at its start
                }
                boolean thrown;
                try {
                    thrown = engine.requestStop(run);
                } catch (ExecutionControl.ExecutionControlException | RuntimeException e) {
                    // the code ended meanwhile, or the agent died: the loop sees which
                    LOG.fine(() -> "stop failed: " + e);
                    thrown = false;
                }
                if (run.pastGrace(thrown, engine::agentInUserCode)) {
                    return false;
                }
                if (run.awaitOutOfJava(thrown ? 20 : 5)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
    }
}
