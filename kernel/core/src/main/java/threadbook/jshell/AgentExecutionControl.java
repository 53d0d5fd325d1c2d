package threadbook.jshell;

import com.sun.jdi.BooleanValue;
import com.sun.jdi.Field;
import com.sun.jdi.ObjectReference;
import com.sun.jdi.StackFrame;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.concurrent.TimeUnit;
import jdk.jshell.execution.JdiExecutionControl;
import threadbook.agent.ThreadbookAgent;

/**
 * The kernel's handle on the agent JVM: JShell's commands over the socket, and JDI for what the socket
 * cannot do while a cell runs (stopping it).
 */
final class AgentExecutionControl extends JdiExecutionControl {
    private static final String AGENT = ThreadbookAgent.class.getName();

    private final Object stopLock = new Object();
    private final Process process;
    private VirtualMachine vm;
    private boolean userCodeRunning;

    AgentExecutionControl(ObjectOutput toAgent, ObjectInput fromAgent, VirtualMachine vm, Process process) {
        super(toAgent, fromAgent);
        this.vm = vm;
        this.process = process;
    }

    Process process() {
        return process;
    }

    @Override
    public String invoke(String className, String methodName)
            throws RunException, EngineTerminationException, InternalException {
        synchronized (stopLock) {
            userCodeRunning = true;
        }
        try {
            return super.invoke(className, methodName);
        } finally {
            synchronized (stopLock) {
                userCodeRunning = false;
            }
        }
    }

    /**
     * Throws JShell's stop exception into the thread that runs the cell, through JDI. This reaches code
     * that is computing, sleeping or waiting; it cannot reach a thread blocked entering a monitor or in
     * native code, nor code that catches Throwable: the kernel escalates for those.
     */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        synchronized (stopLock) {
            if (!userCodeRunning) {
                return;
            }
            VirtualMachine machine = vm();
            machine.suspend();
            try {
                for (ThreadReference thread : machine.allThreads()) {
                    for (StackFrame frame : thread.frames()) {
                        String type = frame.location().declaringType().name();
                        String method = frame.location().method().name();
                        if (AGENT.equals(type) && ("invoke".equals(method) || "varValue".equals(method))) {
                            ObjectReference agent = frame.thisObject();
                            Field inClientCode = agent.referenceType().fieldByName("inClientCode");
                            Field expectingStop = agent.referenceType().fieldByName("expectingStop");
                            Field stopException = agent.referenceType().fieldByName("stopException");
                            if (((BooleanValue) agent.getValue(inClientCode)).value()) {
                                agent.setValue(expectingStop, machine.mirrorOf(true));
                                ObjectReference stop = (ObjectReference) agent.getValue(stopException);
                                machine.resume();
                                thread.stop(stop);
                                agent.setValue(expectingStop, machine.mirrorOf(false));
                            }
                            return;
                        }
                    }
                }
            } catch (VMDisconnectedException e) {
                throw new EngineTerminationException("the Java process has ended");
            } catch (Exception e) {
                throw new InternalException("could not stop the cell: " + e);
            } finally {
                try {
                    machine.resume();
                } catch (VMDisconnectedException ignored) {
                    // nothing left to resume
                }
            }
        }
    }

    /** The agent's own threads and the JDK's, noted before the first cell: never stopped as user threads. */
    private final java.util.Set<Long> systemThreads = new java.util.HashSet<>();

    void noteSystemThreads() {
        synchronized (systemThreads) {
            try {
                for (ThreadReference t : vm().allThreads()) {
                    systemThreads.add(t.uniqueID());
                }
            } catch (EngineTerminationException | RuntimeException ignored) {
                // the agent is gone: nothing to note
            }
        }
    }

    /**
     * Interrupts, then stops (JDI's stop, which Java code cannot do since JDK 20) every thread user code
     * started; returns their names. Used between cells, so it does not disturb the command socket.
     */
    java.util.List<String> stopUserThreads() {
        java.util.List<String> stopped = new java.util.ArrayList<>();
        try {
            VirtualMachine machine = vm();
            ObjectReference stop = null;
            for (com.sun.jdi.ReferenceType type : machine.classesByName(AGENT)) {
                for (ObjectReference agent : type.instances(1)) {
                    stop = (ObjectReference) agent.getValue(agent.referenceType().fieldByName("stopException"));
                }
            }
            for (ThreadReference t : machine.allThreads()) {
                boolean system;
                synchronized (systemThreads) {
                    system = systemThreads.contains(t.uniqueID());
                }
                if (system || t.name().startsWith("threadbook-") || t.status() == ThreadReference.THREAD_STATUS_ZOMBIE) {
                    continue;
                }
                stopped.add(t.name());
                t.interrupt();
                if (stop != null) {
                    try {
                        t.stop(stop);
                    } catch (com.sun.jdi.InvalidTypeException | RuntimeException e) {
                        // interrupted is the best we can do for this one
                    }
                }
            }
        } catch (EngineTerminationException | RuntimeException e) {
            // the agent is gone: nothing left running
        }
        return stopped;
    }

    @Override
    public void close() {
        // The debug connection goes first: a JVM that halts while a debugger is attached sometimes
        // crashes in its debug agent (libjdwp).
        disposeDebugger();
        super.close();
        try {
            process.waitFor(500, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        kill();
    }

    /** Ends the agent JVM and every process it started, at once. */
    void kill() {
        disposeDebugger();
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private synchronized void disposeDebugger() {
        try {
            if (vm != null) {
                vm.dispose();
            }
        } catch (RuntimeException ignored) {
            // already gone
        }
        vm = null;
    }

    @Override
    protected synchronized VirtualMachine vm() throws EngineTerminationException {
        if (vm == null) {
            throw new EngineTerminationException("the Java process has ended");
        }
        return vm;
    }
}
