package threadbook.remote;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import jdk.jshell.spi.ExecutionControl.EngineTerminationException;
import jdk.jshell.spi.ExecutionControl.InternalException;
import jdk.jshell.spi.ExecutionControl.RunException;

/**
 * Which connection JShell's commands take: a subshell's thread sends them on its own lane (see AgentLanes),
 * the main shell on the engine's socket; and a run's user code with JShell's lock released, so that one
 * shell's cell compiles and runs while another's code runs.
 */
final class LaneRouting {
    private final AgentStops.Vm vm;
    /** The subshells' connections; null until the session sets them (see AgentLanes). */
    private volatile AgentLanes lanes;
    /** Held while JShell compiles and loads, released while user code runs (see unlocked). */
    private volatile ReentrantLock evalLock;

    LaneRouting(AgentStops.Vm vm) {
        this.vm = vm;
    }

    void set(AgentLanes lanes, ReentrantLock evalLock) {
        this.lanes = lanes;
        this.evalLock = evalLock;
    }

    /** The lane of the current thread's subshell, or null on the main shell (see AgentLanes). */
    AgentLane current() throws EngineTerminationException {
        AgentLanes all = lanes;
        if (all == null || AgentLanes.bound() == null) {
            return null;
        }
        try {
            return all.current(vm.get());
        } catch (java.io.IOException e) {
            throw new EngineTerminationException(e.getMessage());
        }
    }

    /**
     * Runs user code with JShell's lock released: JShell is not made for two evals at once, so compiling and
     * loading stay one at a time, but while one shell's code runs (a loop of minutes), another shell's cell
     * may compile, load and run on its own connection. JShell's eval is paused in this call meanwhile and
     * only goes on (building the snippet's event) after taking the lock back.
     */
    <T> T unlocked(Remote<T> call) throws RunException, EngineTerminationException, InternalException {
        ReentrantLock lock = evalLock;
        int holds = lock != null && lock.isHeldByCurrentThread() ? lock.getHoldCount() : 0;
        for (int i = 0; i < holds; i++) {
            lock.unlock();
        }
        try {
            return call.run();
        } finally {
            for (int i = 0; i < holds; i++) {
                lock.lock();
            }
        }
    }

    interface Remote<T> {
        T run() throws RunException, EngineTerminationException, InternalException;
    }

    /** A subshell's run: its own cell tag and stop state, its own connection, JShell's lock released. */
    String invoke(AgentLane lane, String className, String methodName, AtomicLong tokens)
            throws RunException, EngineTerminationException, InternalException {
        CellRun run = lane.run();
        if (run != null) {
            run.enterUserCode(); // refused once an interrupt stopped the cell (JShell: a stopped snippet)
        }
        try {
            String tagged = lane.tagged(className, tokens);
            return unlocked(() -> lane.control.invoke(tagged, methodName));
        } finally {
            if (run != null) {
                run.leaveUserCode();
            }
        }
    }
}
