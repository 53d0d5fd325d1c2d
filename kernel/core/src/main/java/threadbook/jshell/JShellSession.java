package threadbook.jshell;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;
import jdk.jshell.spi.ExecutionControl;
import threadbook.agent.Event;
import threadbook.agent.ToAgent;
import threadbook.agent.link.AgentLink;
import threadbook.host.PrivateFolder;

/**
 * One JShell, with its agent JVM: runs cells, completes, documents. Used by one thread at a time, except
 * {@link #interrupt}, which is meant to be called from another.
 */
public final class JShellSession implements AutoCloseable {

    /**
     * How to start a session. {@code events} receives everything the agent sends, in order;
     * {@code input} answers user code that reads System.in.
     */
    public record Options(Path agentClasspath, List<String> agentVmOptions, List<String> compilerOptions,
                          InputProvider input, Consumer<Event> events, List<Definition> replay, List<Path> startupJars) {
        public Options(Path agentClasspath, List<String> agentVmOptions, List<String> compilerOptions,
                       InputProvider input, Consumer<Event> events, List<Definition> replay) {
            this(agentClasspath, agentVmOptions, compilerOptions, input, events, replay, List.of());
        }
    }

    /** Where a line of input for user code comes from (the frontend, through the stdin channel). */
    public interface InputProvider {
        /** A line typed by the user, without its line break; IOException says why there is none. */
        String readLine(long cell, String prompt) throws IOException;
    }

    /** Imports every session starts with: the jshell tool's defaults, and what concurrency lessons use. */
    static final List<String> STARTUP_IMPORTS = List.of(
            "java.io.*", "java.math.*", "java.net.*", "java.net.http.*", "java.nio.file.*", "java.time.*",
            "java.util.*", "java.util.concurrent.*", "java.util.concurrent.atomic.*",
            "java.util.concurrent.locks.*", "java.util.function.*", "java.util.regex.*", "java.util.stream.*");

    private static final long SYNC_TIMEOUT_MILLIS = 3_000;
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(JShellSession.class.getName());

    private final JShell jshell;
    private final AgentExecutionControlProvider provider;
    private final AgentEvents events;
    private final AgentSockets sockets;
    private final SnippetEvaluator evaluator;
    /**
     * The token and rich flag of the last sync event seen, by cell (see threadbook.agent.link.CellTag): by
     * cell, as a subshell's cell and the notebook's may run at once, their syncs coming from two agent threads.
     */
    private final Object syncSeen = new Object();
    private final Map<Long, Event.Sync> syncs = new java.util.HashMap<>();
    /**
     * Held while JShell compiles and loads a cell's snippet, by whichever shell runs it; released while the
     * snippet's code runs (see AgentExecutionControl.unlocked), so a subshell's cell runs beside the notebook's.
     */
    private final java.util.concurrent.locks.ReentrantLock evalLock = new java.util.concurrent.locks.ReentrantLock();
    private final byte[] secret;
    private volatile AgentLanes lanes;
    /** The cell an interrupt stopped (or is stopping): none of its code runs any more. */
    private volatile long stoppedCell = Long.MIN_VALUE;
    /** The cell whose Java runs now, Long.MIN_VALUE between. Changes under stopLock, as stops are sent. */
    private volatile long runningCell = Long.MIN_VALUE;
    /** Orders starting a cell's Java against stopping it: a late interrupt must not stop the next cell. */
    private final Object stopLock = new Object();
    private final AtomicBoolean killedByKernel = new AtomicBoolean();
    /** The typed questions to the agent, through this session's engine. */
    private final AgentChannel agent = new AgentChannel(this::control);
    private volatile boolean exitHookRan;
    /** Per thread: each shell asks about the value of the cell it ran. */
    private final ThreadLocal<Boolean> lastValueRich = ThreadLocal.withInitial(() -> false);
    private volatile boolean closed;
    private volatile CountDownLatch running = new CountDownLatch(0);
    private final ThreadLimitStops limitStops;
    private final List<Path> startupJars;

    private JShellSession(Options options) throws IOException {
        Consumer<Event> sink = options.events();
        // One secret per session proves the agent's connections are the agent's; it goes to the agent on
        // its stdin, never on a command line (every local user can read those).
        byte[] secret = LoopbackGate.newSecret();
        this.secret = secret;
        this.sockets = new AgentSockets();
        this.limitStops = new ThreadLimitStops(cell -> runningCell == cell, cell -> interrupt(cell, 1_000),
                this::stopThreadsOfLimitedCell, sink);
        this.events = new AgentEvents(event -> {
            if (event instanceof Event.Exiting) {
                exitHookRan = true;
            }
            if (event instanceof Event.InputRequest request) {
                answerInput(options.input(), request);
                return;
            }
            if (event instanceof Event.LimitReached limit) {
                limitStops.reached(limit);
                return;
            }
            if (event.cell() == WARM_UP_CELL && !(event instanceof Event.Sync)) {
                return; // the warm-up's output is not shown (see warmUp)
            }
            sink.accept(event);
            if (event instanceof Event.Sync sync) {
                synchronized (syncSeen) {
                    // One agent thread runs a cell's code, in the order of its runs: a cell's tokens only grow.
                    syncs.put(sync.cell(), sync);
                    syncSeen.notifyAll();
                }
            }
        }, secret, sockets);
        List<String> vm = new ArrayList<>();
        vm.add("-cp");
        vm.add(options.agentClasspath().toString());
        vm.add("-Dthreadbook.events.socket=" + events.path());
        // Files the JVMs write for themselves go to the user's private folder: a crash log would otherwise
        // land in the working folder, next to the notebooks.
        Path cache = PrivateFolder.get();
        vm.add("-D" + PrivateFolder.PROPERTY + "=" + cache);
        vm.add("-XX:ErrorFile=" + cache.resolve("hs_err_pid%p.log"));
        vm.add("-XX:ReplayDataFile=" + cache.resolve("replay_pid%p.log"));
        vm.add("-Dfile.encoding=UTF-8");
        vm.add("-Dstdout.encoding=UTF-8");
        vm.add("-Dstderr.encoding=UTF-8");
        vm.addAll(options.agentVmOptions());
        this.startupJars = List.copyOf(options.startupJars());
        vm.addAll(startupJarOptions(startupJars));
        this.provider = new AgentExecutionControlProvider(vm, secret, events::agentStarted, sockets);
        PrintStream log = new PrintStream(OutputStream.nullOutputStream());
        this.jshell = JShell.builder()
                .executionEngine(provider, Map.of())
                .in(InputStream.nullInputStream())
                .out(log)
                .err(log)
                .compilerOptions(compilerOptions(options.compilerOptions()))
                .build();
        jshell.onShutdown(j -> closed = true);
        // Adding a path JShell's compiler and the agent already have changes nothing for them, but makes
        // JShell start a new compiler (JShell.addToClasspath renews its pool of javac contexts).
        String known = options.agentClasspath().toString();
        this.evaluator = new SnippetEvaluator(jshell, () -> jshell.addToClasspath(known));
        // The compiler needs them too; the agent's JShell loader gets them as well, and asks its parent
        // (the system loader, which has them) first.
        startupJars.forEach(jar -> jshell.addToClasspath(jar.toString()));
    }

    /**
     * The agent JVM's options for jars that must be there from its start (see threadbook.agent.StartupJarsLoader):
     * Lincheck's instrumentation attaches itself as an agent to its own JVM, which Java 21+ allows quietly only
     * with -XX:+EnableDynamicAgentLoading; its own warnings are for its developers, not for a notebook.
     */
    private static List<String> startupJarOptions(List<Path> jars) {
        if (jars.isEmpty()) {
            return List.of();
        }
        List<String> options = new ArrayList<>();
        options.add("-Djava.system.class.loader=" + threadbook.agent.StartupJarsLoader.class.getName());
        options.add("-D" + threadbook.agent.StartupJarsLoader.PROPERTY + "="
                + String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).toList()));
        options.add("-Djdk.attach.allowAttachSelf=true");
        options.add("-Dlincheck.logLevel=ERROR");
        if (Runtime.version().feature() >= 21) {
            options.add("-XX:+EnableDynamicAgentLoading");
        }
        return options;
    }

    /** The jars this session's Java process was started with on its class path (see Options.startupJars). */
    public List<Path> startupJars() {
        return startupJars;
    }

    /** The user's javac options, and -g: the debugger shows local variables by their names. */
    private static String[] compilerOptions(List<String> user) {
        List<String> all = new ArrayList<>(user);
        if (all.stream().noneMatch(o -> o.startsWith("-g"))) {
            all.add("-g");
        }
        return all.toArray(new String[0]);
    }

    /**
     * Starts the agent JVM and JShell and runs the startup imports, which JShell compiles while the agent
     * JVM starts (see LaunchingExecutionControl); then warms up (see warmUp).
     */
    public static JShellSession start(Options options) throws IOException {
        StartupLog.stage("session start");
        ClassIndexHeadStart index = ClassIndexHeadStart.start(compilerOptions(options.compilerOptions()));
        JShellSession session = new JShellSession(options);
        StartupLog.stage("JShell built");
        try {
            session.jshell.sourceCodeAnalysis(); // JShell starts its class index now (see warmUp)
            session.importStartupPackages();
            StartupLog.stage("imports done");
            session.provider.awaitLaunch();
            AgentExecutionControl control = session.provider.control();
            session.lanes = new AgentLanes(session.sockets, session.secret, control.process());
            control.subshells(session.lanes, session.evalLock);
            StartupLog.stage("agent JVM connected");
            session.provider.control().prepareStop();
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

    /**
     * The startup imports in one snippet, compiled once: JShell compiles each snippet on its own (16
     * snippets took 200-400 ms). It keeps an import snippet's source as it is and puts it in front of every
     * later snippet, so all of them apply; the snippet is known by its first import only, one that a
     * notebook has no reason to write (a cell that imports another of them, say java.util.*, changes
     * nothing). Should the compiler refuse the whole (options a user gave), they are imported one by one.
     */
    private void importStartupPackages() {
        List<String> all = new ArrayList<>();
        all.add("static threadbook.api.Notebook.*");
        all.add("threadbook.api.*");
        all.add("static threadbook.api.widgets.Widgets.*");
        all.add("threadbook.api.widgets.*");
        all.addAll(STARTUP_IMPORTS);
        StringBuilder source = new StringBuilder();
        all.forEach(i -> source.append("import ").append(i).append("; "));
        List<SnippetEvent> events = jshell.eval(source.toString().trim());
        if (events.size() == 1 && events.get(0).status() == jdk.jshell.Snippet.Status.VALID) {
            return;
        }
        events.stream().filter(e -> jshell.status(e.snippet()).isActive()).forEach(e -> jshell.drop(e.snippet()));
        for (String imported : all) {
            jshell.eval("import " + imported + ";");
        }
    }

    /** The cell number of the warm-up, whose output is dropped. */
    private static final long WARM_UP_CELL = -1;

    /**
     * Runs before the session is ready what would otherwise run cold in the first cells, so that their
     * times are their code's: a print of 10,000 lines through the output path (the first one took 3 to 5
     * times as long as later ones), and JShell's class index, which JShell builds on a thread of its own
     * (about half a second of CPU) and which used to compete with the first cell.
     */
    private void warmUp() {
        runJava(WARM_UP_CELL, "", "for (int i = 0; i < 10_000; i++) System.out.println(i);");
        StartupLog.stage("print warm-up done");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && classIndexBuilding()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        StartupLog.stage("class index done");
    }

    /** Whether JShell's indexer thread is listing classes (it has no API to wait for it). */
    private static boolean classIndexBuilding() {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                if (frame.getMethodName().equals("refreshIndexes")
                        && frame.getClassName().equals("jdk.jshell.SourceCodeAnalysisImpl")) {
                    return true;
                }
            }
        }
        return false;
    }

    public boolean isAlive() {
        return !closed;
    }

    /**
     * Runs Java of cell {@code cell} in the agent JVM (its output is all handed on when this returns); a
     * stopped cell or a lost Java process ends it here. The cell costs only what JShell itself sends
     * (load, invoke): the cell travels with each invoke, and its end comes back on the event channel.
     */
    public CellResult runJava(long cell, String cellLabel, String code) {
        if (AgentLanes.bound() != null) {
            return subshellRuns().run(AgentLanes.bound(), cell, cellLabel, code);
        }
        CellResult result = runJavaOnce(cell, cellLabel, code);
        // After the cell counts as ended: stopping it for the limit waits for that.
        CellResult limited = limitStops.result(cell);
        return limited != null ? limited : result;
    }

    private CellResult runJavaOnce(long cell, String cellLabel, String code) {
        if (closed) {
            return CellResult.sessionLost(deathMessage());
        }
        AgentExecutionControl engine;
        synchronized (stopLock) {
            if (stoppedCell == cell) {
                // A magic running Java again after the interrupt, or an interrupt that came before this started.
                return CellResult.interrupted("The cell was interrupted.");
            }
            runningCell = cell;
            running = new CountDownLatch(1);
            engine = provider.control();
            if (engine != null) {
                engine.allowUserCode();
                engine.startCell(cell, cellLabel);
            }
        }
        long commandsBefore = engine == null ? 0 : engine.commandsSent();
        try {
            CellResult result;
            evalLock.lock();
            try {
                result = evaluator.evaluate(cellLabel, code, () -> stoppedCell == cell);
            } finally {
                evalLock.unlock();
            }
            long lastRun = engine == null ? 0 : engine.endCell();
            if (!closed) {
                lastValueRich.set(awaitOutput(cell, lastRun));
            }
            if (closed) {
                return CellResult.sessionLost(deathMessage());
            }
            if (engine != null && LOG.isLoggable(java.util.logging.Level.FINE)) {
                LOG.fine("cell " + cell + ": " + (engine.commandsSent() - commandsBefore) + " commands to the agent");
            }
            return result;
        } catch (IllegalStateException e) {
            if (closed || killedByKernel.get()) {
                return CellResult.sessionLost(deathMessage());
            }
            return CellResult.error("InternalError", "the kernel could not run the cell: " + e,
                    List.of("The kernel could not run the cell: " + e));
        } finally {
            if (engine != null) {
                engine.endCell();
            }
            synchronized (stopLock) {
                runningCell = Long.MIN_VALUE;
                running.countDown();
            }
        }
    }

    /**
     * Waits until the sync event of run {@code token} has been handed to the sink: the agent sends it after
     * everything the run printed, before JShell's answer, so it is on its way already. No run reached the
     * agent (token 0: nothing compiled, an import, an interrupt before the code started): nothing to wait for.
     */
    boolean awaitOutput(long cell, long token) {
        if (token == 0) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_TIMEOUT_MILLIS);
        synchronized (syncSeen) {
            try {
                // In slices: a Java process that died sends no sync, and nothing wakes this wait then.
                for (long left = deadline - System.nanoTime(); seen(cell) < token && left > 0 && !closed;
                        left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(syncSeen, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Event.Sync last = syncs.remove(cell);
            return last != null && last.token() == token && last.rich();
        }
    }

    private long seen(long cell) {
        Event.Sync last = syncs.get(cell);
        return last == null ? 0 : last.token();
    }

    /** How many commands went to the agent JVM since it started (each one a round trip); -1 without one. */
    long commandsSent() {
        AgentExecutionControl engine = provider.control();
        return engine == null ? -1 : engine.commandsSent();
    }

    /**
     * Stops cell {@code cell}: what runs of it gets JShell's stop, and none of it starts any more. While
     * JShell still compiles, nothing runs: the cell ends as soon as the compiler is done. If user code got
     * the stop and has not ended {@code graceMillis} later (it catches Throwable, waits to enter a
     * monitor, or blocks in native code), ends the agent JVM: the cell then returns
     * {@link CellResult.Status#SESSION_LOST}. Returns false only then. Called from another thread than
     * {@link #run}.
     */
    public boolean interrupt(long cell, long graceMillis) {
        CountDownLatch cellRunning;
        synchronized (stopLock) {
            stoppedCell = cell;
            cellRunning = running;
        }
        long unreachedSince = 0;
        try {
            while (true) {
                AgentExecutionControl control = provider.control();
                if (control == null || closed) {
                    return true;
                }
                long thrownAt;
                try {
                    synchronized (stopLock) {
                        if (runningCell != cell) {
                            return true; // ended, or not started yet: then it sees stoppedCell
                        }
                        thrownAt = control.requestStop();
                    }
                } catch (ExecutionControl.ExecutionControlException | RuntimeException e) {
                    // the code ended meanwhile, or the agent died: the loop sees which
                    java.util.logging.Logger.getLogger(JShellSession.class.getName()).fine(() -> "stop failed: " + e);
                    thrownAt = 0;
                }
                long now = System.nanoTime();
                if (thrownAt != 0 && now - thrownAt > TimeUnit.MILLISECONDS.toNanos(graceMillis)
                        && control.agentInUserCode()) {
                    break;
                }
                // User code runs, yet the stop could not be thrown into it: escalate after the grace too.
                unreachedSince = thrownAt == 0 && control.userCodeRunning() ? (unreachedSince == 0 ? now : unreachedSince) : 0;
                if (unreachedSince != 0 && now - unreachedSince > TimeUnit.MILLISECONDS.toNanos(graceMillis)) {
                    break;
                }
                if (cellRunning.await(thrownAt == 0 ? 5 : 20, TimeUnit.MILLISECONDS)) {
                    return true;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return true;
        }
        kill();
        return false;
    }

    /** The threads of the cell the thread limit stopped (the agent's stopper knows which cell). */
    private void stopThreadsOfLimitedCell() {
        AgentExecutionControl control = provider.control();
        if (control != null && !closed) {
            control.stopUserThreads(0);
        }
    }

    /** What stopping the background work did: what it stopped (thread and process names) and what it could not. */
    public record BackgroundStop(List<String> stopped, List<String> stuck) {}

    /**
     * Between cells, or while one runs: stops every thread the cells started and ends every worker
     * process. Says which threads (the first ten, then how many more) and processes it stopped, and which
     * threads it could not stop (deadlocked on monitors). Works through JDI, not through the socket that
     * runs cells, so it may run beside a cell.
     */
    public BackgroundStop stopBackgroundWork() {
        List<String> stopped = new ArrayList<>();
        AgentExecutionControl control = provider.control();
        if (control == null || closed) {
            return new BackgroundStop(stopped, List.of());
        }
        AgentExecutionControl.StoppedThreads threads = control.stopUserThreads(10);
        for (String thread : threads.names()) {
            if (!threads.stuck().contains(thread)) {
                stopped.add("thread " + thread);
            }
        }
        if (threads.total() > threads.names().size()) {
            stopped.add((threads.total() - threads.names().size()) + " more threads");
        }
        control.process().descendants().forEach(p -> {
            stopped.add("process " + p.pid());
            p.destroyForcibly();
        });
        return new BackgroundStop(stopped, threads.stuck().stream().map(t -> "thread " + t).toList());
    }

    /** Ends the agent JVM now (and every process it started); the session is then closed. */
    public void kill() {
        killedByKernel.set(true);
        AgentExecutionControl control = provider.control();
        if (control != null) {
            control.kill();
        }
        closed = true;
    }

    /**
     * Asks the agent something between cells (CPU time, live threads, a JFR recording...). The agent
     * answers on the thread that runs cells, so a question waits while a cell runs.
     */
    public AgentLink agent() {
        return agent;
    }

    /** Where a frame of the notebook's code is ("cell [3], line 5"); null for a frame outside the notebook. */
    public String cellLine(StackTraceElement frame) {
        return evaluator.where(frame);
    }

    /**
     * The deadlock the agent's watcher saw last, in words; null if none. Read through JDI, so it works
     * while a cell is stuck and the agent's command channel is busy.
     */
    public String deadlockReport() {
        AgentExecutionControl control = provider.control();
        String encoded = control == null || closed ? "" : LockSentences.readLatest(control);
        return encoded.isEmpty() ? null : LockSentences.deadlock(encoded, this::cellLine);
    }

    /** Lets a debugger follow this session (null: none). Without one, JDI events are resumed at once. */
    public void debug(DebugHooks hooks) {
        evaluator.debugHooks(hooks);
        AgentExecutionControl control = provider.control();
        if (control != null) {
            control.events().listen(hooks == null ? null : hooks::event);
            control.beforeInvoke(hooks == null ? null : className -> announce(hooks, className));
        }
    }

    /**
     * The wrapper classes of the methods, types and variables live in this session: for a debugger that
     * starts following it after they were defined (the definitions a new session makes again).
     */
    public List<jdk.jshell.SourceCodeAnalysis.SnippetWrapper> liveWrappers() {
        List<jdk.jshell.SourceCodeAnalysis.SnippetWrapper> list = new java.util.ArrayList<>();
        jshell.snippets().filter(sn -> jshell.status(sn).isActive()).forEach(sn -> {
            try {
                list.add(jshell.sourceCodeAnalysis().wrapper(sn));
            } catch (RuntimeException e) {
                // no wrapper (an import)
            }
        });
        return list;
    }

    /** Tells the debugger which snippet a wrapper class about to run is (JShell has defined it, not yet returned it). */
    private void announce(DebugHooks hooks, String className) {
        List<jdk.jshell.Snippet> all = jshell.snippets().toList();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                jdk.jshell.SourceCodeAnalysis.SnippetWrapper w = jshell.sourceCodeAnalysis().wrapper(all.get(i));
                if (className.equals(w.fullClassName())) {
                    hooks.snippet(className, w, evaluator.evaluatingFirstLine());
                    return;
                }
            } catch (RuntimeException e) {
                // a snippet without a class (an import, a failed one)
            }
        }
    }

    /** The agent JVM, for the debugger; null once the session has ended. */
    public com.sun.jdi.VirtualMachine virtualMachine() {
        AgentExecutionControl control = provider.control();
        try {
            return control == null || closed ? null : control.vm();
        } catch (ExecutionControl.EngineTerminationException e) {
            return null;
        }
    }

    /** A variable the notebook declared: a static field {@code name} of the wrapper class {@code className}. */
    public record NotebookVariable(String name, String type, String className) {}

    /**
     * The notebook's live variables, in the order declared. Safe beside a running cell (it reads JShell's
     * tables only); a table changing meanwhile gives an empty list, asked again later.
     */
    public List<NotebookVariable> notebookVariables() {
        List<NotebookVariable> vars = new ArrayList<>();
        try {
            jshell.variables().filter(v -> jshell.status(v).isActive()).forEach(v -> {
                try {
                    vars.add(new NotebookVariable(v.name(), v.typeName(),
                            jshell.sourceCodeAnalysis().wrapper(v).fullClassName()));
                } catch (RuntimeException e) {
                    // no class for it
                }
            });
        } catch (RuntimeException e) {
            return List.of();
        }
        return vars;
    }

    /** The methods, types and imports the notebook defined and that are live, in order. */
    public List<Definition> definitions() {
        return evaluator.definitions();
    }

    /** The threads of subshell {@code id} run their cells on its own connection to the agent from now on. */
    public static void bindSubshell(String id) {
        AgentLanes.bind(id);
    }

    /** Subshell {@code id} is gone: its connection to the agent closes. */
    public void closeSubshell(String id) {
        AgentLanes all = lanes;
        if (all != null) {
            all.close(id);
        }
    }

    /** As {@link #interrupt}, for the cell of subshell {@code id}; never restarts the Java process. */
    public boolean interruptSubshell(String id, long cell, long graceMillis) {
        return subshellRuns().interrupt(id, cell, graceMillis);
    }

    private SubshellRuns subshellRuns() {
        return new SubshellRuns(lanes, provider::control, evaluator, evalLock, this::awaitOutput,
                () -> closed, this::isRunningJava, lastValueRich);
    }

    /** Whether a cell's Java runs now (then the agent answers questions only after it). */
    public boolean isRunningJava() {
        return runningCell != Long.MIN_VALUE;
    }

    /** Whether the value of the last cell run has a rich form (HTML, an image, a future...). */
    public boolean lastValueIsRich() {
        return lastValueRich.get();
    }

    /** Adds a jar or class folder for the compiler and the agent JVM (which passes it on to workers). */
    public void addToClasspath(String path) {
        jshell.addToClasspath(path);
    }

    /**
     * Runs {@code work} with JShell to itself: a subshell's completion must not read JShell's tables while
     * another shell's cell is being compiled (it may while that cell's code runs: JShell is idle then).
     */
    public <T> T withJShell(java.util.function.Supplier<T> work) {
        evalLock.lock();
        try {
            return work.get();
        } finally {
            evalLock.unlock();
        }
    }

    /** Completion, documentation and completeness checks against this session's definitions. */
    public CodeAssist assist() {
        return new CodeAssist(jshell.sourceCodeAnalysis(), jshell);
    }

    private ExecutionControl control() throws ExecutionControl.EngineTerminationException {
        AgentExecutionControl control = provider.control();
        if (control == null || closed) {
            throw new ExecutionControl.EngineTerminationException("the Java process has ended");
        }
        return control;
    }

    private String deathMessage() {
        AgentExecutionControl control = provider.control();
        return JavaProcessEnded.message(control == null ? null : control.process(), killedByKernel.get(),
                stoppedCell != Long.MIN_VALUE, exitHookRan, evaluator.definitions().size());
    }

    @Override
    public void close() {
        closed = true;
        try {
            jshell.close();
        } catch (RuntimeException ignored) {
            // already closing
        }
        AgentExecutionControl control = provider.control();
        if (control != null) {
            control.kill();
        }
        AgentLanes all = lanes;
        if (all != null) {
            all.closeAll();
        }
        events.close();
        sockets.close();
    }

    /** Sends a message to the Java session's JVM (a comm message from the frontend); dropped if it is gone. */
    public void toAgent(ToAgent message) {
        events.send(message);
    }

    /** Asks for the line on a thread of its own: the event channel keeps flowing while the user types. */
    private void answerInput(InputProvider input, Event.InputRequest request) {
        Thread t = new Thread(() -> {
            try {
                events.send(new ToAgent.InputReply(true, input.readLine(request.cell(), request.prompt())));
            } catch (IOException e) {
                events.send(new ToAgent.InputReply(false, String.valueOf(e.getMessage())));
            }
        }, "threadbook-input");
        t.setDaemon(true);
        t.start();
    }

}
