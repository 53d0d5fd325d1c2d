package threadbook.jshell;

import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import threadbook.remote.AgentExecutionControl;
import threadbook.remote.AgentLane;
import threadbook.remote.AgentLanes;
import threadbook.remote.CellRun;

/**
 * Runs a subshell's Java in the session, as JShellSession.runJava does the notebook's: the same JShell and
 * the same agent JVM (so everything defined is shared), but the subshell's own connection to the agent
 * (see AgentLanes) and its own cell state, so that it runs while the notebook's cell runs. An interrupt
 * stops the subshell's cell only, and never restarts the Java process: that would end the notebook's cell.
 */
final class SubshellRuns {
    /** Waits for a run's sync event; says whether its value has a rich form. */
    interface OutputWait {
        boolean await(long cell, long token);
    }

    private final Supplier<AgentLanes> lanes;
    private final Supplier<AgentExecutionControl> control;
    private final SnippetEvaluator evaluator;
    private final ReentrantLock evalLock;
    private final OutputWait output;
    private final BooleanSupplier closed;
    private final BooleanSupplier mainRunning;
    private final ThreadLocal<Boolean> lastValueRich;

    SubshellRuns(Supplier<AgentLanes> lanes, Supplier<AgentExecutionControl> control, SnippetEvaluator evaluator,
                 ReentrantLock evalLock, OutputWait output, BooleanSupplier closed, BooleanSupplier mainRunning,
                 ThreadLocal<Boolean> lastValueRich) {
        this.lanes = lanes;
        this.control = control;
        this.evaluator = evaluator;
        this.evalLock = evalLock;
        this.output = output;
        this.closed = closed;
        this.mainRunning = mainRunning;
        this.lastValueRich = lastValueRich;
    }

    CellResult run(String subshell, CellRun run, String label, String code) {
        AgentLanes lanes = this.lanes.get();
        AgentExecutionControl engine = control.get();
        if (closed.getAsBoolean() || engine == null || lanes == null) {
            return CellResult.sessionLost("The Java process has ended; the next cell starts a new one.");
        }
        AgentLane lane;
        try {
            // Before JShell's lock: opening the connection takes a round trip to the agent.
            lane = lanes.current(engine.vm());
        } catch (java.io.IOException | jdk.jshell.spi.ExecutionControl.EngineTerminationException e) {
            String why = "The subshell could not reach the Java process: " + e.getMessage();
            return CellResult.error("SubshellUnavailable", why, List.of(why));
        }
        if (!lane.beginCell(run, label)) {
            return CellResult.interrupted("The cell was interrupted.");
        }
        try {
            CellResult result;
            evalLock.lock();
            try {
                result = evaluator.evaluate(label, code, run::stopRequested,
                        () -> mainRunning.getAsBoolean() || lanes.othersRunning(lane));
            } finally {
                evalLock.unlock();
            }
            lastValueRich.set(output.await(run.id(), lane.endRuns()));
            return closed.getAsBoolean() ? CellResult.sessionLost("The Java process has ended.") : result;
        } catch (IllegalStateException e) {
            return closed.getAsBoolean() ? CellResult.sessionLost("The Java process has ended.")
                    : CellResult.error("InternalError", "the kernel could not run the cell: " + e,
                            List.of("The kernel could not run the cell: " + e));
        } finally {
            lane.endCell();
        }
    }

    /**
     * Stops the subshell's run {@code run}: its code gets JShell's stop through JDI, on the subshell's agent
     * thread only. False if it did not stop within the run's grace (it catches Throwable, or waits for a
     * monitor): the Java process is left running, for the notebook's sake.
     */
    boolean interrupt(CellRun run) {
        run.requestStop();
        AgentLanes lanes = this.lanes.get();
        AgentLane lane = lanes == null ? null : lanes.existing(run.subshell());
        AgentExecutionControl engine = control.get();
        if (lane == null || engine == null) {
            return true;
        }
        try {
            while (!run.stopDeadlinePassed()) {
                if (!run.inJava()) {
                    return true;
                }
                try {
                    engine.requestStop(lane, run);
                } catch (jdk.jshell.spi.ExecutionControl.ExecutionControlException | RuntimeException e) {
                    // ended meanwhile, or the agent is gone: the loop sees which
                }
                if (run.awaitOutOfJava(20)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return false;
    }

    /** Subshell {@code id} is gone: its connection to the agent closes. */
    void close(String subshell) {
        AgentLanes all = lanes.get();
        if (all != null) {
            all.close(subshell);
        }
    }
}
