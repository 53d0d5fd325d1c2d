package threadbook.jshell;

import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import java.util.logging.Logger;
import jdk.jshell.spi.ExecutionControl;
import threadbook.remote.AgentExecutionControl;
import threadbook.remote.CellRun;

/**
 * Which run's Java the main shell's connection runs now, and how a stop of it escalates: JShell's stop
 * through JDI, again until it lands, and, past the grace, the end of the Java process. Whether the run is
 * stopped, runs Java, runs code in the agent, and when the stop was thrown, its CellRun holds.
 */
final class CellStops {
    private static final Logger LOG = Logger.getLogger(CellStops.class.getName());

    /**
     * The run whose Java runs on the main connection now, null between: the thread limit's event names a
     * cell by its number, and questions to the agent wait while one runs.
     */
    private volatile CellRun current;
    /** Whether an interrupt ever stopped a cell of this session (the death message says so). */
    private volatile boolean anyStopped;
    private final Supplier<AgentExecutionControl> control;
    private final BooleanSupplier closed;

    CellStops(Supplier<AgentExecutionControl> control, BooleanSupplier closed) {
        this.control = control;
        this.closed = closed;
    }

    /** Run {@code run}'s Java starts; false if an interrupt came first (then none of it starts). */
    boolean begin(CellRun run) {
        if (!run.beginJava()) {
            return false;
        }
        current = run;
        return true;
    }

    /** The run's Java has ended. */
    void end(CellRun run) {
        current = null;
        run.endJava();
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
