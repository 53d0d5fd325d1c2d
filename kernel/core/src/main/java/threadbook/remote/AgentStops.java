package threadbook.remote;

import com.sun.jdi.ArrayReference;
import com.sun.jdi.BooleanValue;
import com.sun.jdi.ClassType;
import com.sun.jdi.Field;
import com.sun.jdi.LongValue;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.StringReference;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.Value;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import java.util.concurrent.TimeUnit;
import jdk.jshell.spi.ExecutionControl.EngineTerminationException;
import jdk.jshell.spi.ExecutionControl.InternalException;
import threadbook.agent.ThreadbookAgent;

/**
 * Stopping user code in the agent JVM through JDI, which works while the command socket is busy with a
 * cell: a cell's code gets JShell's stop, the threads the cells started are ended. Reads and writes the
 * agent's own fields (threadbook.agent.ThreadbookAgent, threadbook.agent.Lanes).
 */
final class AgentStops {
    private static final String AGENT = ThreadbookAgent.class.getName();

    /** The agent JVM, or why there is none any more. */
    interface Vm {
        VirtualMachine get() throws EngineTerminationException;
    }

    private final Vm vm;
    private ClassType agentType;

    AgentStops(Vm vm) {
        this.vm = vm;
    }

    private VirtualMachine vm() throws EngineTerminationException {
        return vm.get();
    }

    /**
     * Whether the agent runs user code right now, as the agent itself says (through JDI): the kernel's
     * own flag stays set until the agent's answer has come back, which may take a while after the code
     * stopped.
     */
    boolean agentInUserCode() {
        try {
            ClassType type = agentType();
            ObjectReference agent = (ObjectReference) type.getValue(type.fieldByName("instance"));
            return agent != null && ((BooleanValue) agent.getValue(type.fieldByName("inClientCode"))).value();
        } catch (EngineTerminationException | RuntimeException e) {
            return false;
        }
    }

    /**
     * Throws the stop into the agent's thread that runs user code. Only that thread is suspended, while
     * the agent's fields say whether it still runs user code: with thousands of threads, suspending the
     * JVM and walking every stack (as JShell does) takes seconds.
     */
    boolean throwStop(int lane) throws EngineTerminationException, InternalException {
        try {
            ClassType type = agentType();
            ObjectReference agent;
            ThreadReference thread;
            if (lane < 0) {
                agent = (ObjectReference) type.getValue(type.fieldByName("instance"));
                thread = (ThreadReference) type.getValue(type.fieldByName("commandThread"));
            } else {
                // A subshell's agent and thread (see threadbook.agent.Lanes), which stay the same while it lives.
                ClassType lanes = (ClassType) vm().classesByName("threadbook.agent.Lanes").get(0);
                agent = (ObjectReference) ((ArrayReference) lanes.getValue(lanes.fieldByName("agents"))).getValue(lane);
                thread = (ThreadReference) ((ArrayReference) lanes.getValue(lanes.fieldByName("threads"))).getValue(lane);
            }
            if (thread == null || agent == null) {
                return false;
            }
            Field inClientCode = type.fieldByName("inClientCode");
            Field expectingStop = type.fieldByName("expectingStop");
            Field stopException = type.fieldByName("stopException");
            thread.suspend();
            try {
                if ((lane < 0 && !thread.equals(type.getValue(type.fieldByName("commandThread"))))
                        || !((BooleanValue) agent.getValue(inClientCode)).value()) {
                    return false;
                }
                VirtualMachine machine = vm();
                agent.setValue(expectingStop, machine.mirrorOf(true));
                thread.stop((ObjectReference) agent.getValue(stopException));
            } finally {
                thread.resume();
            }
            agent.setValue(expectingStop, vm().mirrorOf(false));
            return true;
        } catch (VMDisconnectedException e) {
            throw new EngineTerminationException("the Java process has ended");
        } catch (Exception e) {
            throw new InternalException("could not stop the cell: " + e);
        }
    }

    /** The agent's class in the agent JVM, looked up once (the first lookup lists every loaded class). */
    private synchronized ClassType agentType() throws EngineTerminationException {
        if (agentType == null) {
            agentType = (ClassType) vm().classesByName(AGENT).get(0);
        }
        return agentType;
    }

    /** Looks up what stopping needs before any cell runs, so that the first interrupt is quick. */
    void prepare() {
        try {
            agentType();
            vm().classesByName("java.lang.Throwable");
        } catch (EngineTerminationException | RuntimeException ignored) {
            // the agent is gone: nothing to stop
        }
    }

    /**
     * Ends every thread user code started; returns their names. The agent interrupts them (its stopper
     * thread, woken through JDI: the command socket may be running a cell meanwhile); the few that ignore
     * the interrupt get JDI's stop, which Java code cannot do since JDK 20.
     */
    StoppedThreads stopUserThreads(int namesWanted) {
        try {
            ClassType type = agentType();
            long before = ((LongValue) type.getValue(type.fieldByName("stopRounds"))).value();
            ((ThreadReference) type.getValue(type.fieldByName("stopper"))).interrupt();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (((LongValue) type.getValue(type.fieldByName("stopRounds"))).value() == before) {
                if (System.nanoTime() > deadline) {
                    return new StoppedThreads(java.util.List.of(), 0, java.util.List.of());
                }
                Thread.sleep(20);
            }
            // Only the names shown: each costs a round trip to the agent, and there may be thousands.
            ArrayReference all = (ArrayReference) type.getValue(type.fieldByName("stoppedNames"));
            java.util.List<String> names = new java.util.ArrayList<>();
            int total = all.length();
            if (total > 0) {
                for (Value name : all.getValues(0, Math.min(total, namesWanted))) {
                    names.add(((StringReference) name).value());
                }
            }
            ObjectReference agent = (ObjectReference) type.getValue(type.fieldByName("instance"));
            ObjectReference stop = (ObjectReference) agent.getValue(type.fieldByName("stopException"));
            java.util.List<ThreadReference> survivors = new java.util.ArrayList<>();
            for (Value survivor : ((ArrayReference) type.getValue(type.fieldByName("survivors"))).getValues()) {
                try {
                    ((ThreadReference) survivor).stop(stop);
                    survivors.add((ThreadReference) survivor);
                } catch (com.sun.jdi.InvalidTypeException | RuntimeException e) {
                    // interrupted is the best we can do for this one
                }
            }
            return new StoppedThreads(names, total, stillAlive(survivors));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (EngineTerminationException | RuntimeException e) {
            // the agent is gone: nothing left running
        }
        return new StoppedThreads(java.util.List.of(), 0, java.util.List.of());
    }

    /**
     * The threads that a stop did not end within a second: a stop is thrown in a thread when it runs, and a
     * thread waiting to enter a monitor that is never released (a deadlock) never runs again.
     */
    private static java.util.List<String> stillAlive(java.util.List<ThreadReference> stopped) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(1);
        java.util.List<String> alive = new java.util.ArrayList<>();
        while (true) {
            alive.clear();
            for (ThreadReference t : stopped) {
                try {
                    if (t.status() != ThreadReference.THREAD_STATUS_ZOMBIE) {
                        alive.add(t.name());
                    }
                } catch (com.sun.jdi.ObjectCollectedException gone) {
                    // ended and collected
                }
            }
            if (alive.isEmpty() || System.nanoTime() > deadline) {
                return alive;
            }
            Thread.sleep(50);
        }
    }
}
