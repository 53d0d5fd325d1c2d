package threadbook.remote;

import com.sun.jdi.VirtualMachine;
import java.io.ObjectInput;
import java.io.ObjectOutput;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import jdk.jshell.execution.JdiExecutionControl;
import threadbook.agent.link.CellTag;

/**
 * The kernel's handle on the agent JVM: JShell's commands over the socket, and JDI for what the socket
 * cannot do while a cell runs (stopping it).
 */
public final class AgentExecutionControl extends JdiExecutionControl {
    private final Process process;
    private VirtualMachine vm;
    private final JdiEvents events;
    private final AgentStops stops = new AgentStops(this::vm);
    /** Whether a changed class must be loaded as a new class rather than redefined in place (see redefine). */
    private volatile boolean newClassesOnly;
    /** Told the wrapper class of each snippet about to run (the debugger sets its breakpoints then). */
    private volatile java.util.function.Consumer<String> beforeInvoke;

    private final CommandCount commands;
    /** The cell whose runs JShell sends now, with its label; null between cells (see startCell). */
    private volatile CellTag cell;
    /** The run of that cell, which knows whether it may start code and takes the stops; null between cells. */
    private volatile CellRun run;
    private final AtomicLong tokens = new AtomicLong();
    /** The token of the last run sent for the current cell, 0 if none went out yet. */
    private volatile long lastToken;
    private final LaneRouting lanes = new LaneRouting(this::vm);

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
    public long commandsSent() {
        return commands.sent();
    }

    /**
     * Run {@code run} runs Java now: until {@link #endCell}, each invoke carries the cell to the agent
     * (see {@link CellTag}) instead of a request of its own, and the agent ends each run with a sync event.
     */
    public void startCell(CellRun run, String label) {
        lastToken = 0;
        this.run = run;
        this.cell = new CellTag(run.id(), 0, label);
    }

    /** The cell's Java is done; returns the token of its last run that reached the agent, 0 if none did. */
    public long endCell() {
        cell = null;
        run = null;
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

    public JdiEvents events() {
        return events;
    }

    void subshells(AgentLanes lanes, java.util.concurrent.locks.ReentrantLock evalLock) {
        this.lanes.set(lanes, evalLock);
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        AgentLane lane = lanes.current();
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
        AgentLane lane = lanes.current();
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
        AgentLane lane = lanes.current();
        if (lane == null) {
            super.addToClasspath(path);
        } else {
            lane.control.addToClasspath(path);
        }
    }

    @Override
    public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException, InternalException {
        AgentLane lane = lanes.current();
        return lane == null ? super.extensionCommand(command, arg) : lane.control.extensionCommand(command, arg);
    }

    /** As {@link #requestStop}, for a subshell's cell: only that lane's thread gets the stop. */
    public boolean requestStop(AgentLane lane, CellRun run) throws EngineTerminationException, InternalException {
        return run.throwStop(() -> stops.throwStop(lane.index));
    }

    public void beforeInvoke(java.util.function.Consumer<String> listener) {
        this.beforeInvoke = listener;
    }

    public Process process() {
        return process;
    }

    @Override
    public String invoke(String className, String methodName)
            throws RunException, EngineTerminationException, InternalException {
        AgentLane lane = lanes.current();
        if (lane != null) {
            return lanes.invoke(lane, className, methodName, tokens);
        }
        CellRun current = run;
        if (current != null) {
            current.enterUserCode(); // refused if interrupted while JShell compiled
        }
        java.util.function.Consumer<String> listener = beforeInvoke;
        if (listener != null) {
            listener.accept(className);
        }
        try {
            String tagged = tagged(className);
            return lanes.unlocked(() -> super.invoke(tagged, methodName));
        } finally {
            if (current != null) {
                current.leaveUserCode();
            }
        }
    }

    @Override
    public String varValue(String className, String varName)
            throws RunException, EngineTerminationException, InternalException {
        // A variable's toString is user code too: its output and its end belong to the cell.
        AgentLane lane = lanes.current();
        return lane == null ? super.varValue(tagged(className), varName)
                : lane.control.varValue(lane.tagged(className, tokens), varName);
    }

    /**
     * Whether the agent runs user code right now, as the agent itself says (through JDI): the kernel's
     * own flag stays set until the agent's answer has come back, which may take a while after the code
     * stopped.
     */
    public boolean agentInUserCode() {
        return stops.agentInUserCode();
    }

    /** Looks up what stopping needs before any cell runs, so that the first interrupt is quick. */
    public void prepareStop() {
        stops.prepare();
    }

    /**
     * Ends every thread user code started (see AgentStops.stopUserThreads), naming the first
     * {@code namesWanted} of them.
     */
    StoppedThreads stopUserThreads(int namesWanted) {
        return stops.stopUserThreads(namesWanted);
    }

    /** Ends every thread user code started, as {@link #stopUserThreads(int)}, naming none. */
    public void stopUserThreads() {
        stops.stopUserThreads(0);
    }

    /** As {@link #requestStop}, for the cell running now; JShell's own entry point. */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        CellRun current = run;
        if (current != null) {
            requestStop(current);
        }
    }

    /**
     * Stops run {@code run} (see CellRun.throwStop): none of its code starts any more, and the code running
     * now gets JShell's stop exception, thrown through JDI into the thread that runs it. That reaches code
     * that is computing, sleeping or waiting; not a thread blocked entering a monitor or in native code, nor
     * code that catches Throwable: the session escalates for those. False while the stop is not thrown yet:
     * call again.
     */
    public boolean requestStop(CellRun run) throws EngineTerminationException, InternalException {
        return run.throwStop(() -> stops.throwStop(-1));
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
                // takes it through the JVM's exit path, which writes them, without waiting out the 2 minutes below.
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
    public void kill() {
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
    public synchronized VirtualMachine vm() throws EngineTerminationException {
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
