package threadbook.jshell;

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
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.JdiExecutionControl;
import threadbook.agent.ThreadbookAgent;
import threadbook.agent.link.CellTag;

/**
 * The kernel's handle on the agent JVM: JShell's commands over the socket, and JDI for what the socket
 * cannot do while a cell runs (stopping it).
 */
final class AgentExecutionControl extends JdiExecutionControl {
    private static final String AGENT = ThreadbookAgent.class.getName();

    private final Object stopLock = new Object();
    private final Process process;
    private VirtualMachine vm;
    /** JShell is running user code (between invoke's start and end). Guarded by stopLock. */
    private boolean userCodeRunning;
    /** The cell was interrupted: no more of its code may start. Guarded by stopLock. */
    private boolean stopPending;
    /** When the stop was thrown into the user code running now (System.nanoTime), 0 if not yet. */
    private long stopThrownAt;
    private ClassType agentType;
    private final JdiEvents events;
    /** Whether a changed class must be loaded as a new class rather than redefined in place (see redefine). */
    private volatile boolean newClassesOnly;
    /** Told the wrapper class of each snippet about to run (the debugger sets its breakpoints then). */
    private volatile java.util.function.Consumer<String> beforeInvoke;

    private final CommandCount commands;
    /** The cell whose runs JShell sends now, with its label; null between cells (see startCell). */
    private volatile CellTag cell;
    private final AtomicLong tokens = new AtomicLong();
    /** The token of the last run sent for the current cell, 0 if none went out yet. */
    private volatile long lastToken;
    /** The subshells' connections; null until the session sets them (see AgentLanes). */
    private volatile AgentLanes lanes;
    /** Held while JShell compiles and loads, released while user code runs (see invoke). */
    private volatile java.util.concurrent.locks.ReentrantLock evalLock;

    AgentExecutionControl(ObjectOutput toAgent, ObjectInput fromAgent, VirtualMachine vm, Process process, JdiEvents events) {
        this(new CommandCount(toAgent), fromAgent, vm, process, events);
    }

    private AgentExecutionControl(CommandCount toAgent, ObjectInput fromAgent, VirtualMachine vm, Process process,
                                  JdiEvents events) {
        super(toAgent, fromAgent);
        this.commands = toAgent;
        this.vm = vm;
        this.process = process;
        this.events = events;
    }

    /** How many commands (each a round trip) went to the agent since it started. */
    long commandsSent() {
        return commands.sent();
    }

    /**
     * Cell {@code cell} runs Java now: until {@link #endCell}, each invoke carries the cell to the agent
     * (see {@link CellTag}) instead of a request of its own, and the agent ends each run with a sync event.
     */
    void startCell(long cell, String label) {
        lastToken = 0;
        this.cell = new CellTag(cell, 0, label);
    }

    /** The cell's Java is done; returns the token of its last run that reached the agent, 0 if none did. */
    long endCell() {
        cell = null;
        return lastToken;
    }

    /** {@code className} tagged with the current cell and a new token, or as it is outside a cell. */
    private String tagged(String className) {
        CellTag current = cell;
        if (current == null) {
            return className;
        }
        long token = tokens.incrementAndGet();
        lastToken = token;
        return new CellTag(current.cell(), token, current.label()).attachTo(className);
    }

    JdiEvents events() {
        return events;
    }

    void subshells(AgentLanes lanes, java.util.concurrent.locks.ReentrantLock evalLock) {
        this.lanes = lanes;
        this.evalLock = evalLock;
    }

    /** The lane of the current thread's subshell, or null on the main shell (see AgentLanes). */
    private AgentLane lane() throws EngineTerminationException {
        AgentLanes all = lanes;
        if (all == null || AgentLanes.bound() == null) {
            return null;
        }
        try {
            return all.current(vm());
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
    private <T> T unlocked(Remote<T> call) throws RunException, EngineTerminationException, InternalException {
        java.util.concurrent.locks.ReentrantLock lock = evalLock;
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

    private interface Remote<T> {
        T run() throws RunException, EngineTerminationException, InternalException;
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        AgentLane lane = lane();
        if (lane == null) {
            super.load(cbcs);
        } else {
            lane.control.load(cbcs);
        }
    }

    /**
     * Where Lincheck rewrites classes, a class redefined in place is, when Lincheck rewrites it again, rewritten
     * from its bytes before the redefinition (HotSpot keeps the class file the rewriting started from): a corrected
     * method would be tested as it was. Refused there, JShell loads the changed class under a new name instead,
     * as it does for a class whose fields or methods changed.
     */
    @Override
    public void redefine(ClassBytecodes[] cbcs) throws ClassInstallException, EngineTerminationException {
        if (newClassesOnly) {
            throw new ClassInstallException("loaded as new classes where Lincheck rewrites classes", new boolean[cbcs.length]);
        }
        AgentLane lane = lane();
        if (lane == null) {
            super.redefine(cbcs);
            return;
        }
        // JDI's part is the same for every connection; the agent's note of it goes through the lane.
        try {
            VirtualMachine machine = vm();
            java.util.Map<com.sun.jdi.ReferenceType, byte[]> classes = new java.util.HashMap<>();
            for (ClassBytecodes c : cbcs) {
                classes.put(referenceType(machine, c.name()), c.bytecodes());
            }
            machine.redefineClasses(classes);
            lane.control.redefine(cbcs);
        } catch (NotImplementedException | RuntimeException e) {
            throw new ClassInstallException("redefine: " + e.getMessage(), new boolean[cbcs.length]);
        }
    }

    @Override
    public void addToClasspath(String path) throws EngineTerminationException, InternalException {
        AgentLane lane = lane();
        if (lane == null) {
            super.addToClasspath(path);
        } else {
            lane.control.addToClasspath(path);
        }
    }

    @Override
    public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException, InternalException {
        AgentLane lane = lane();
        return lane == null ? super.extensionCommand(command, arg) : lane.control.extensionCommand(command, arg);
    }

    /** A subshell's run: its own cell tag and stop state, its own connection, JShell's lock released. */
    private String invokeInLane(AgentLane lane, String className, String methodName)
            throws RunException, EngineTerminationException, InternalException {
        lane.enterUserCode();
        try {
            String tagged = lane.tagged(className, tokens);
            return unlocked(() -> lane.control.invoke(tagged, methodName));
        } finally {
            lane.leaveUserCode();
        }
    }

    /** As {@link #requestStop}, for a subshell's cell: only that lane's thread gets the stop. */
    long requestStop(AgentLane lane) throws EngineTerminationException, InternalException {
        return lane.requestStop(this::throwStop);
    }

    void beforeInvoke(java.util.function.Consumer<String> listener) {
        this.beforeInvoke = listener;
    }

    Process process() {
        return process;
    }

    @Override
    public String invoke(String className, String methodName)
            throws RunException, EngineTerminationException, InternalException {
        AgentLane lane = lane();
        if (lane != null) {
            return invokeInLane(lane, className, methodName);
        }
        synchronized (stopLock) {
            if (stopPending) {
                // Interrupted while JShell compiled: the code never starts. JShell takes this as a
                // stopped snippet, and the session notices the interrupt.
                throw new StoppedException();
            }
            userCodeRunning = true;
            stopThrownAt = 0;
        }
        java.util.function.Consumer<String> listener = beforeInvoke;
        if (listener != null) {
            listener.accept(className);
        }
        try {
            String tagged = tagged(className);
            return unlocked(() -> super.invoke(tagged, methodName));
        } finally {
            synchronized (stopLock) {
                userCodeRunning = false;
            }
        }
    }

    @Override
    public String varValue(String className, String varName)
            throws RunException, EngineTerminationException, InternalException {
        // A variable's toString is user code too: its output and its end belong to the cell.
        AgentLane lane = lane();
        return lane == null ? super.varValue(tagged(className), varName)
                : lane.control.varValue(lane.tagged(className, tokens), varName);
    }

    boolean userCodeRunning() {
        synchronized (stopLock) {
            return userCodeRunning;
        }
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

    /** A new cell starts: an interrupt meant for the one before must not stop it. */
    void allowUserCode() {
        synchronized (stopLock) {
            stopPending = false;
        }
    }

    /** As {@link #requestStop}; JShell's own entry point. */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        requestStop();
    }

    /**
     * Stops the cell: no more of its code starts, and the code running now gets JShell's stop exception,
     * thrown through JDI into the thread that runs it. That reaches code that is computing, sleeping or
     * waiting; not a thread blocked entering a monitor or in native code, nor code that catches
     * Throwable: the session escalates for those. Returns when the stop was thrown into the code running
     * now (System.nanoTime), or 0 if no user code runs (JShell still compiles) or its thread is not yet
     * known: call again.
     */
    long requestStop() throws EngineTerminationException, InternalException {
        synchronized (stopLock) {
            stopPending = true;
            if (!userCodeRunning) {
                return 0;
            }
            if (stopThrownAt == 0 && throwStop(-1)) {
                stopThrownAt = System.nanoTime();
            }
            return stopThrownAt;
        }
    }

    /**
     * Throws the stop into the agent's thread that runs user code. Only that thread is suspended, while
     * the agent's fields say whether it still runs user code: with thousands of threads, suspending the
     * JVM and walking every stack (as JShell does) takes seconds.
     */
    private boolean throwStop(int lane) throws EngineTerminationException, InternalException {
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
    void prepareStop() {
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
    /** The names of the first threads stopped (as many as asked), and how many were stopped in all. */
    /** The names of the first threads stopped, how many in all, and those a stop cannot reach (a deadlock). */
    record StoppedThreads(java.util.List<String> names, int total, java.util.List<String> stuck) {}

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

    @Override
    public void close() {
        // The debug connection goes first: a JVM that halts while a debugger is attached sometimes
        // crashes in its debug agent (libjdwp).
        disposeDebugger();
        super.close();
        try {
            if (Boolean.getBoolean("threadbook.training")) {
                // A training run (threadbook.Main --train) lets the JVM write its AOT cache or class list as it
                // exits. JDK 17's agent under JDWP does not exit by itself after JShell's close: SIGTERM still
                // takes it through the JVM's exit path, which writes them (it used to wait the full 2 minutes).
                if (!process.waitFor(10_000, TimeUnit.MILLISECONDS)) {
                    process.destroy();
                    process.waitFor(120_000, TimeUnit.MILLISECONDS);
                }
            } else {
                process.waitFor(500, TimeUnit.MILLISECONDS);
            }
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

    /** See {@link #redefine}: set for a Java process with jars on its startup class path (Lincheck). */
    void newClassesOnly(boolean only) {
        newClassesOnly = only;
    }

}
