package threadbook.agent;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.lang.reflect.Method;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import jdk.jshell.execution.RemoteExecutionControl;
import jdk.jshell.execution.Util;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.AgentLink;
import threadbook.agent.link.CellTag;
import threadbook.agent.link.Dispatcher;
import threadbook.workers.SnippetClasses;

/**
 * The remote end of JShell, inside the user's JVM: runs the cells and sends their output, by cell, to
 * the kernel.
 *
 * <p>Started by the kernel as {@code java -cp threadbook-agent.jar threadbook.agent.ThreadbookAgent PORT}
 * with the event channel's port as a system property and the session's secret on stdin. Both sockets use TCP_NODELAY: without it
 * Nagle's algorithm and delayed ACKs add ~170 ms to every cell.
 */
public final class ThreadbookAgent extends RemoteExecutionControl {
    /** The event channel to the kernel: broken means the kernel is gone. */
    private static EventChannel events;

    // Read by the kernel through JDI, so that it stops the cell's thread without suspending the JVM and
    // walking every thread's stack (seconds with thousands of threads).
    private static volatile ThreadbookAgent instance;
    /** The thread that runs JShell's commands, and so all user code of cells. */
    private static volatile Thread commandThread;

    // The kernel stops the threads cells left running through these, not through the command socket,
    // which a new cell may be using meanwhile: it interrupts the stopper thread, waits for stopRounds to
    // move on, then reads what was stopped and stops, through JDI, the threads that ignored the interrupt.
    private static volatile Thread stopper;
    private static volatile long stopRounds;
    private static volatile String[] stoppedNames = new String[0];
    private static volatile Thread[] survivors = new Thread[0];

    public ThreadbookAgent() {
        instance = this;
    }

    /** A subshell's agent (see {@link Lanes}): its classes are the main agent's. */
    ThreadbookAgent(jdk.jshell.execution.LoaderDelegate shared) {
        super(shared);
    }

    /** The agent of the main command connection. */
    static ThreadbookAgent main() {
        return instance;
    }

    public static void main(String[] args) throws Exception {
        Path commandSocket = Path.of(args[0]);
        Path eventSocket = Path.of(System.getProperty("threadbook.events.socket"));
        // The secret comes on stdin, which only the kernel holds: a command line is readable by every user.
        byte[] secret = readSecret(new java.io.FileInputStream(java.io.FileDescriptor.in));

        SocketChannel eventChannel = UnixSockets.connect(eventSocket);
        OutputStream eventOut = UnixSockets.shieldedOut(eventChannel, "threadbook-event-writer");
        eventOut.write(secret);
        eventOut.flush();
        events = new EventChannel(eventOut);
        OutputRouter router = new OutputRouter(events,
                Long.getLong("threadbook.output.interval", 20),
                Long.getLong("threadbook.output.cap", 8L << 20));
        router.start();
        Cells.connect(router, events);
        System.setOut(router.printStream(Event.Stream.STDOUT));
        System.setErr(router.printStream(Event.Stream.STDERR));
        UserInput input = new UserInput(router, events);
        System.setIn(input);
        Comms.start();
        FromKernel.start(UnixSockets.in(eventChannel), input);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            Cells.send(new Event.Exiting(CellThreads.current(), Thread.currentThread().getName()));
            // The event's writer is a daemon thread: without this wait the process may halt before it writes.
            events.awaitDelivered(2000);
        }, "threadbook-exit-notice"));
        watchKernel();
        startStopper();
        Lanes.start(secret);

        commandThread = Thread.currentThread();
        SocketChannel commandChannel = UnixSockets.connect(commandSocket);
        OutputStream commandOut = UnixSockets.shieldedOut(commandChannel, "threadbook-answer-writer");
        commandOut.write(secret);
        commandOut.flush();
        try {
            ThreadbookAgent agent = new ThreadbookAgent();
            LockReport.watch(agent::findClassOrNull);
            // JShell's commands straight over the socket, without JShell's multiplexing of out, err and in
            // (System.out, System.err and System.in go through the event channel, where each piece knows its
            // cell): that layer hands every command and answer through a pipe to one more thread on each
            // side, two thread switches per exchange. The kernel reads the same plain streams.
            ObjectOutputStream answers = new ObjectOutputStream(new BufferedOutputStream(commandOut));
            answers.flush(); // the stream header: the kernel's ObjectInputStream waits for it
            ObjectInputStream commands = new ObjectInputStream(new BufferedInputStream(UnixSockets.shieldedIn(commandChannel, "threadbook-command-reader")));
            Util.forwardExecutionControl(agent, commands, answers);
        } finally {
            endEverything();
        }
    }

    /**
     * The session's secret as the kernel wrote it on stdin: one line, sent back as is (line break
     * included) as the first bytes on each socket, so the kernel knows the connection is ours.
     */
    private static byte[] readSecret(InputStream in) throws java.io.IOException {
        java.io.ByteArrayOutputStream line = new java.io.ByteArrayOutputStream();
        for (int c = in.read(); ; c = in.read()) {
            if (c < 0 || line.size() > 256) {
                throw new java.io.IOException("the kernel did not send the session's secret on stdin");
            }
            line.write(c);
            if (c == '\n') {
                return line.toByteArray();
            }
        }
    }

    // When user code ran since the last "cpu" mark: from the start of its first snippet to the end of its
    // last, for %time and %%compare. Compiling the first snippet is left out, as IPython's %time leaves
    // out parsing; the compiling of later snippets of the same code is in (background threads run on).
    static volatile long firstStart;
    static volatile long lastEnd;

    /**
     * The value of the last snippet run, for rich display of a cell's value (see Renderers). Per command
     * thread: a subshell's cell (see Lanes) may end while the notebook's runs, and each asks for its own.
     */
    private static final ThreadLocal<Object> LAST_VALUE = new ThreadLocal<>();

    // invoke and varValue are overridden so that the kernel's stop() finds this class's frames. invoke
    // keeps the value object, which JShell would only turn into a string.
    @Override
    protected String invoke(Method doitMethod) throws Exception {
        if (firstStart == 0) {
            firstStart = System.nanoTime();
        }
        try {
            LAST_VALUE.remove();
            Object value = doitMethod.invoke(null);
            LAST_VALUE.set(value);
            return valueString(value);
        } finally {
            lastEnd = System.nanoTime();
        }
    }

    /** The value of the last snippet this command thread ran, taken: asked for once, after the cell. */
    static Object takeLastValue() {
        Object value = LAST_VALUE.get();
        LAST_VALUE.remove();
        return value;
    }

    /** A class of the notebook's, null if it has none of that name (or no cell ran yet). */
    static Class<?> notebookClass(String name) {
        ThreadbookAgent agent = instance;
        return agent == null ? null : agent.findClassOrNull(name);
    }

    Class<?> findClassOrNull(String name) {
        try {
            return findClass(name);
        } catch (ClassNotFoundException | RuntimeException e) {
            return null;
        }
    }

    /** The notebook's classes are recorded as they load, for worker processes (see SnippetClasses). */
    @Override
    public void load(ClassBytecodes[] cbcs)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        SnippetClasses.record(cbcs);
        super.load(cbcs);
        if (cbcs.length > 0) {
            // The loader of the notebook's classes, for jars on the startup class path that look them up by name.
            Class<?> loaded = findClassOrNull(cbcs[0].name());
            StartupJarsLoader.notebookLoader(loaded == null ? null : loaded.getClassLoader());
        }
    }

    @Override
    public void redefine(ClassBytecodes[] cbcs)
            throws ClassInstallException, NotImplementedException, EngineTerminationException {
        SnippetClasses.record(cbcs);
        super.redefine(cbcs);
    }

    @Override
    public void addToClasspath(String path) throws EngineTerminationException, InternalException {
        super.addToClasspath(path);
        for (String entry : path.split(java.io.File.pathSeparator)) {
            SnippetClasses.addClasspath(entry);
        }
    }

    /**
     * JShell's invoke, for the cell the kernel tagged it with (see {@link CellTag}): the cell is entered
     * before its code runs; when the code has returned (or thrown, or been stopped), everything printed so
     * far goes out, then the run's sync event, and only then JShell's answer. So a cell costs no exchange of
     * its own to begin or to end.
     */
    @Override
    public String invoke(String className, String methodName)
            throws RunException, EngineTerminationException, InternalException {
        forgetInterrupt();
        CellTag tag = CellTag.of(className);
        if (tag == null) {
            return super.invoke(className, methodName);
        }
        CellThreads.enter(tag.cell(), tag.label());
        try {
            return super.invoke(CellTag.className(className), methodName);
        } finally {
            ran(tag);
        }
    }

    /**
     * User code starts on a thread that is not interrupted: an interrupt left over from the code before
     * (code that interrupted itself, an input wait the kernel stopped) must not end the next cell's first
     * sleep. JShell's multiplexed streams cleared it as a side effect, waiting on a pipe between commands.
     */
    private static void forgetInterrupt() {
        Thread.interrupted();
    }

    /** The code of a tagged run returned: its cell has it all (see invoke). */
    private static void ran(CellTag tag) {
        CellThreads.leave(tag.cell());
        Cells.sync(tag.cell(), tag.token(), Renderers.isRich(LAST_VALUE.get()));
    }

    @Override
    public String varValue(String className, String varName)
            throws RunException, EngineTerminationException, InternalException {
        forgetInterrupt();
        CellTag tag = CellTag.of(className);
        if (tag == null) {
            return readVariable(className, varName);
        }
        // A variable's toString is user code: it prints into the cell, as an invoke's code would.
        CellThreads.enter(tag.cell(), tag.label());
        try {
            return readVariable(CellTag.className(className), varName);
        } finally {
            ran(tag);
        }
    }

    private String readVariable(String className, String varName)
            throws RunException, EngineTerminationException, InternalException {
        String text = super.varValue(className, varName);
        try {
            // A cell ending in a variable's name shows that variable: keep its object for rich display.
            java.lang.reflect.Field field = findClass(className).getDeclaredField(varName);
            field.setAccessible(true);
            LAST_VALUE.set(field.get(null));
        } catch (ReflectiveOperationException | RuntimeException e) {
            LAST_VALUE.remove();
        }
        return text;
    }

    private static final Dispatcher DISPATCHER = new Dispatcher(new AgentAnswers());

    /**
     * The kernel's questions (see {@link AgentLink}) arrive here as {@link threadbook.agent.link.Request}
     * records under one command name; any other name keeps JShell's meaning.
     */
    @Override
    public Object extensionCommand(String command, Object arg)
            throws RunException, EngineTerminationException, InternalException {
        if (!Dispatcher.handles(command)) {
            return super.extensionCommand(command, arg);
        }
        try {
            return DISPATCHER.answer(arg);
        } catch (AgentException.Unknown e) {
            throw new NotImplementedException(e.getMessage());
        } catch (AgentException e) {
            // JShell carries an InternalException's message to the kernel, which makes it an AgentException again.
            throw new InternalException(e.getMessage());
        }
    }

    /** Waits for the kernel's interrupt (through JDI) and then interrupts every user thread; see stopRounds. */
    private static void startStopper() {
        Thread t = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(Long.MAX_VALUE);
                } catch (InterruptedException e) {
                    UserThreads.Stopped round = Background.stopThreadsAndWait(300);
                    stoppedNames = round.names();
                    survivors = round.survivors();
                    stopRounds++;
                }
            }
        }, "threadbook-stopper");
        t.setDaemon(true);
        stopper = t;
        t.start();
    }

    /** If the kernel dies (even by SIGKILL), this JVM and every process it started go too. */
    private static void watchKernel() {
        ProcessHandle kernel = ProcessHandle.current().parent().orElse(null);
        Thread watcher = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(500);
                } catch (InterruptedException e) {
                    return;
                }
                // Re-parented means the kernel exited, even if it is not reaped yet (a zombie is "alive").
                boolean orphaned = ProcessHandle.current().parent().map(p -> kernel == null || p.pid() != kernel.pid())
                        .orElse(true);
                if (kernel == null || !kernel.isAlive() || orphaned || events.isBroken()) {
                    endEverything();
                }
            }
        }, "threadbook-kernel-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void endEverything() {
        ProcessHandle.current().descendants().forEach(ProcessHandle::destroyForcibly);
        Runtime.getRuntime().halt(0);
    }
}
