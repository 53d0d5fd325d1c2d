package threadbook.jshell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import jdk.jshell.JShell;
import jdk.jshell.spi.ExecutionControl;
import threadbook.agent.ToAgent;
import threadbook.agent.link.AgentLink;
import threadbook.assist.CodeAssist;
import threadbook.remote.AgentChannel;
import threadbook.remote.AgentExecutionControl;
import threadbook.remote.AgentJvm;
import threadbook.remote.AgentLanes;
import threadbook.remote.BackgroundStop;
import threadbook.remote.CellRun;
import threadbook.remote.LockSentences;
import threadbook.remote.StartupLog;

/**
 * One JShell, with its agent JVM: runs cells, completes, documents (see Interpreter). The debugger follows it
 * through JDI (see debug).
 */
public final class JShellSession implements Interpreter, DebugTarget {

    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(JShellSession.class.getName());

    private final JShell jshell;
    private final AgentJvm agentJvm;
    private final SessionEvents events;
    private final SnippetEvaluator evaluator;
    private final NotebookTables tables;
    /**
     * Held while JShell compiles and loads a cell's snippet, by whichever shell runs it; released while the
     * snippet's code runs (see LaneRouting.unlocked), so a subshell's cell runs beside the notebook's.
     */
    private final java.util.concurrent.locks.ReentrantLock evalLock = new java.util.concurrent.locks.ReentrantLock();
    private final NotebookRuns runs;
    private final AtomicBoolean killedByKernel = new AtomicBoolean();
    /** The typed questions to the agent, through this session's engine. */
    private final AgentChannel agent = new AgentChannel(this::control);
    /** Per thread: each shell asks about the value of the cell it ran. */
    private final ThreadLocal<Boolean> lastValueRich = ThreadLocal.withInitial(() -> false);
    private volatile boolean closed;
    private final ThreadLimitStops limitStops;
    private final SubshellRuns subshells;
    private final List<Path> startupJars;

    private JShellSession(SessionOptions options) throws IOException {
        this.limitStops = new ThreadLimitStops(this::stopIfRunning, this::stopThreadsOfLimitedCell, options.events());
        this.events = new SessionEvents(options.events(), options.input(), limitStops);
        this.agentJvm = new AgentJvm(events, socket -> SessionLaunch.agentVmOptions(options, socket));
        events.answerTo(agentJvm::send);
        this.startupJars = List.copyOf(options.startupJars());
        PrintStream log = new PrintStream(OutputStream.nullOutputStream());
        this.jshell = JShell.builder()
                .executionEngine(agentJvm.engine(), Map.of())
                .in(InputStream.nullInputStream())
                .out(log)
                .err(log)
                .compilerOptions(SessionLaunch.compilerOptions(options.compilerOptions()))
                .build();
        jshell.onShutdown(j -> closed = true);
        // Adding a path JShell's compiler and the agent already have changes nothing for them, but makes
        // JShell start a new compiler (JShell.addToClasspath renews its pool of javac contexts).
        String known = options.agentClasspath().toString();
        this.evaluator = new SnippetEvaluator(jshell, () -> jshell.addToClasspath(known));
        this.tables = new NotebookTables(jshell, evaluator);
        this.runs = new NotebookRuns(agentJvm::control, evaluator, evalLock, this::awaitOutput, () -> closed,
                killedByKernel::get, this::deathMessage, lastValueRich);
        this.subshells = new SubshellRuns(agentJvm::lanes, agentJvm::control, evaluator, evalLock, this::awaitOutput,
                () -> closed, this::isRunningJava, lastValueRich);
        // The compiler needs them too; the agent's JShell loader gets them as well, and asks its parent
        // (the system loader, which has them) first.
        startupJars.forEach(jar -> jshell.addToClasspath(jar.toString()));
    }

    @Override
    public List<Path> startupJars() {
        return startupJars;
    }

    /**
     * Starts the agent JVM and JShell and runs the startup imports, which JShell compiles while the agent
     * JVM starts (see LaunchingExecutionControl); then warms up (see warmUp).
     */
    public static JShellSession start(SessionOptions options) throws IOException {
        StartupLog.stage("session start");
        ClassIndexHeadStart index = ClassIndexHeadStart.start(SessionLaunch.compilerOptions(options.compilerOptions()));
        JShellSession session = new JShellSession(options);
        StartupLog.stage("JShell built");
        try {
            session.jshell.sourceCodeAnalysis(); // JShell starts its class index now (see warmUp)
            SessionLaunch.importStartupPackages(session.jshell);
            StartupLog.stage("imports done");
            session.agentJvm.awaitLaunch(session.evalLock);
            StartupLog.stage("agent JVM connected");
            session.agentJvm.control().prepareStop();
            StartupLog.stage("prepareStop done");
            session.warmUp();
        } catch (IOException | RuntimeException e) {
            session.close();
            throw e;
        } finally {
            if (index != null) {
                index.close();
            }
        }
        // After the Java process ended, what the notebook defined comes back: methods, types, imports
        // (values do not: they would need the code that computed them to run again).
        for (Definition d : options.replay()) {
            session.evaluator.evaluate(d.cellLabel(), "\n".repeat(Math.max(0, d.firstLine() - 1)) + d.source(), () -> false);
        }
        return session;
    }

    /** The cell number of the warm-up, whose output is dropped. */
    static final long WARM_UP_CELL = threadbook.agent.Event.WARM_UP_CELL;

    /**
     * Runs before the session is ready what would otherwise run cold in the first cells, so that their
     * times are their code's: a print of 10,000 lines through the output path (the first one took 3 to 5
     * times as long as later ones), and JShell's class index, which JShell builds on a thread of its own
     * (about half a second of CPU), which would otherwise compete with the first cell.
     */
    private void warmUp() {
        runJava(CellRun.started(WARM_UP_CELL), "", "for (int i = 0; i < 10_000; i++) System.out.println(i);");
        StartupLog.stage("print warm-up done");
        SessionLaunch.awaitClassIndex();
        StartupLog.stage("class index done");
    }

    @Override
    public boolean isAlive() {
        return !closed;
    }

    @Override
    public CellResult runJava(CellRun run, String cellLabel, String code) {
        if (AgentLanes.bound() != null) {
            return subshells.run(AgentLanes.bound(), run, cellLabel, code);
        }
        CellResult result = runs.run(run, cellLabel, code);
        // After the cell counts as ended: stopping it for the limit waits for that.
        CellResult limited = limitStops.result(run.id());
        return limited != null ? limited : result;
    }

    /** Waits for the sync event of run {@code token} (see SessionEvents.awaitOutput); says whether its value is rich. */
    boolean awaitOutput(long cell, long token) {
        return events.awaitOutput(cell, token, () -> closed);
    }

    /** How many commands went to the agent JVM since it started (each one a round trip); -1 without one. */
    long commandsSent() {
        AgentExecutionControl engine = agentJvm.control();
        return engine == null ? -1 : engine.commandsSent();
    }

    /**
     * The stop is JShell's, thrown through JDI (see NotebookRuns, SubshellRuns). While JShell still compiles,
     * nothing runs: the cell ends as soon as the compiler is done. Code that outlives the grace catches
     * Throwable, waits to enter a monitor, or blocks in native code.
     */
    @Override
    public boolean stop(CellRun run) {
        if (run.subshell() != null) {
            return subshells.interrupt(run);
        }
        if (runs.interrupt(run)) {
            return true;
        }
        kill();
        return false;
    }

    /** The thread limit's stop: cell {@code cell}'s run, if its Java runs now; false if it does not. */
    private boolean stopIfRunning(long cell) {
        CellRun run = runs.running(cell);
        if (run == null) {
            return false;
        }
        stop(run);
        return true;
    }

    /** The threads of the cell the thread limit stopped (the agent's stopper knows which cell). */
    private void stopThreadsOfLimitedCell() {
        AgentExecutionControl control = agentJvm.control();
        if (control != null && !closed) {
            control.stopUserThreads();
        }
    }

    /** Through JDI, not through the socket that runs cells, so it may run beside a cell (see BackgroundStop). */
    @Override
    public BackgroundStop stopBackgroundWork() {
        AgentExecutionControl control = agentJvm.control();
        return control == null || closed ? new BackgroundStop(List.of(), List.of()) : BackgroundStop.of(control);
    }

    /** Ends the agent JVM now (and every process it started); the session is then closed. */
    private void kill() {
        killedByKernel.set(true);
        AgentExecutionControl control = agentJvm.control();
        if (control != null) {
            control.kill();
        }
        closed = true;
    }

    /** The agent answers on the thread that runs cells, so a question waits while a cell runs. */
    @Override
    public AgentLink agent() {
        return agent;
    }

    @Override
    public String cellLine(StackTraceElement frame) {
        return evaluator.where(frame);
    }

    /** The agent's watcher's, read through JDI: the agent's command channel may be busy. */
    @Override
    public String deadlockReport() {
        AgentExecutionControl control = agentJvm.control();
        String encoded = control == null || closed ? "" : LockSentences.readLatest(control);
        return encoded.isEmpty() ? null : LockSentences.deadlock(encoded, this::cellLine);
    }

    @Override
    public void debug(DebugHooks hooks) {
        evaluator.debugHooks(hooks);
        AgentExecutionControl control = agentJvm.control();
        if (control != null) {
            control.events().listen(hooks == null ? null : hooks::event);
            control.beforeInvoke(hooks == null ? null : className -> tables.announce(hooks, className));
        }
    }

    /** Those of the definitions a new session makes again, too. */
    @Override
    public List<jdk.jshell.SourceCodeAnalysis.SnippetWrapper> liveWrappers() {
        return tables.liveWrappers();
    }

    /** See NotebookTables.variables. */
    @Override
    public List<NotebookVariable> notebookVariables() {
        return tables.variables();
    }

    @Override
    public com.sun.jdi.VirtualMachine virtualMachine() {
        AgentExecutionControl control = agentJvm.control();
        try {
            return control == null || closed ? null : control.vm();
        } catch (ExecutionControl.EngineTerminationException e) {
            return null;
        }
    }

    @Override
    public List<Definition> definitions() {
        return evaluator.definitions();
    }

    /** The threads of subshell {@code id} run their cells on its own connection to the agent from now on. */
    public static void bindSubshell(String id) {
        AgentLanes.bind(id);
    }

    @Override
    public void closeSubshell(String id) {
        subshells.close(id);
    }

    @Override
    public boolean isRunningJava() {
        return runs.anyRuns();
    }

    @Override
    public boolean lastValueIsRich() {
        return lastValueRich.get();
    }

    @Override
    public void addToClasspath(String path) {
        jshell.addToClasspath(path);
    }

    @Override
    public CodeAssist.Completion complete(String code, int cursor) {
        return withJShell(assist -> assist.complete(code, cursor));
    }

    @Override
    public CodeAssist.Inspection inspect(String code, int cursor, int detail) {
        return withJShell(assist -> assist.inspect(code, cursor, detail));
    }

    @Override
    public CodeAssist.Completeness isComplete(String code) {
        return withJShell(assist -> assist.isComplete(code));
    }

    /**
     * Asks JShell's analysis with JShell to itself: a subshell's completion must not read JShell's tables
     * while another shell's cell is being compiled (it may while that cell's code runs: JShell is idle then).
     */
    private <T> T withJShell(java.util.function.Function<CodeAssist, T> question) {
        evalLock.lock();
        try {
            return question.apply(new CodeAssist(jshell.sourceCodeAnalysis(), jshell));
        } finally {
            evalLock.unlock();
        }
    }

    private ExecutionControl control() throws ExecutionControl.EngineTerminationException {
        AgentExecutionControl control = agentJvm.control();
        if (control == null || closed) {
            throw new ExecutionControl.EngineTerminationException("the Java process has ended");
        }
        return control;
    }

    private String deathMessage() {
        AgentExecutionControl control = agentJvm.control();
        return JavaProcessEnded.message(control == null ? null : control.process(), killedByKernel.get(),
                runs.anyStopped(), events.exitHookRan(), evaluator.definitions().size());
    }

    @Override
    public void close() {
        closed = true;
        try {
            jshell.close();
        } catch (RuntimeException ignored) {
            // already closing
        }
        agentJvm.close();
    }

    @Override
    public void toAgent(ToAgent message) {
        agentJvm.send(message);
    }


}
