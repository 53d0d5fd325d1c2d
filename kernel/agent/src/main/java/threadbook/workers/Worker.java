package threadbook.workers;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The agent's handle on one worker JVM: starts it with the kernel's own java (so every class file the
 * notebook compiled can run in it), ships it the notebook's classes, sends it tasks, and relays what
 * it prints, each line labelled "[worker N pid P]", into the cell that gave it the task.
 */
public final class Worker {
    private static final AtomicLong TASK_IDS = new AtomicLong();

    /** The worker's number, 0 while it is a spare: a spare gets its number when a cell takes it. */
    private volatile int index;
    private final Process process;
    private final DataOutputStream toWorker;
    private final Map<Long, CompletableFuture<Object>> pending = new ConcurrentHashMap<>();
    private final CompletableFuture<Long> ready = new CompletableFuture<>();
    /** A spare's warm-up done, with the CPU its JVM used so far (see Spares). */
    private final CompletableFuture<Long> warm = new CompletableFuture<>();
    private final StringBuilder[] partialLines = {new StringBuilder(), new StringBuilder()};
    /** The cell its output goes to, and how it gets there: none while it is a spare no cell has taken. */
    private volatile long cell;
    private volatile CellPrinter printer;
    /** The loader of the notebook's classes in this JVM, to read results of the notebook's types. */
    private volatile ClassLoader userLoader = Thread.currentThread().getContextClassLoader();
    private volatile long cpuNanos;
    private volatile long classesSent = -1;
    private volatile boolean busy;
    /** Asked to end: it runs no new task, and exits once its running ones are done. */
    private volatile boolean ending;
    private volatile String lastOutcome = "starting";
    /** When each task ran: [start epoch ns, end epoch ns (0 while running)], for %%timeline. */
    private final List<long[]> taskTimes = new java.util.concurrent.CopyOnWriteArrayList<>();
    private final Map<Long, long[]> runningTimes = new ConcurrentHashMap<>();

    private static final java.util.concurrent.atomic.AtomicInteger NUMBERS = new java.util.concurrent.atomic.AtomicInteger();

    /**
     * The next worker number. One scheme for every worker process, whatever starts it (a WorkerProcess, a
     * pool, %%processes): 1, 2, 3... in the order the session starts them, as Python names its processes
     * Process-1, Process-2... A number is never reused, so a label names one process.
     */
    public static int nextNumber() {
        return NUMBERS.incrementAndGet();
    }

    /**
     * Starts a worker JVM for {@code cell}, its output printed there by {@code printer}; {@code index} 0
     * and a null printer make a spare (see Spares). Cells get workers through Spares.take.
     */
    Worker(int index, long cell, CellPrinter printer) throws IOException {
        this.index = index;
        this.cell = cell;
        this.printer = printer;
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.addAll(WorkerOptions.jvmOptions());
        command.add("-cp");
        command.add(WorkerOptions.agentJar().toString());
        command.add(WorkerMain.class.getName());
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.redirectError(ProcessBuilder.Redirect.DISCARD);
        this.process = pb.start();
        this.toWorker = new DataOutputStream(new BufferedOutputStream(process.getOutputStream(), 1 << 16));
        WorkerRegistry.add(this);
        Thread reader = new Thread(this::read, index == 0 ? "threadbook-spare-reader" : "threadbook-worker-" + index + "-reader");
        reader.setDaemon(true);
        reader.start();
    }

    public int index() {
        return index;
    }

    /** Whether this is a spare no cell has taken yet. */
    boolean isSpare() {
        return index == 0;
    }

    /**
     * Makes a spare the worker of the cell running now: its number, the cell its output goes to, and the
     * loader of the notebook's classes that reads its results. Only Spares calls this, once per spare.
     */
    void claim(int number, long forCell, CellPrinter cellPrinter) {
        userLoader = Thread.currentThread().getContextClassLoader();
        cell = forCell;
        printer = cellPrinter;
        index = number;
    }

    boolean isReady() {
        return ready.isDone() && !ready.isCompletedExceptionally();
    }

    boolean isWarm() {
        return warm.isDone() && !warm.isCompletedExceptionally();
    }

    /** Waits at most {@code millis} for the spare's warm-up; false if it did not finish (or the JVM died). */
    boolean awaitWarm(long millis) {
        try {
            warm.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
            return true;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * Warms a spare while no cell waits for it: the notebook's classes, then a task that goes through what a
     * first task pays for (reading a lambda, the notebook's classes, formatting, writing a result).
     */
    void warmUp(byte[] warmTask) throws IOException {
        synchronized (toWorker) {
            shipClasses();
            toWorker.writeByte(Frames.WARM);
            WireStrings.writeBytes(toWorker, warmTask);
            toWorker.flush();
        }
    }

    /** Sends the notebook's classes now if they changed, so that a spare has them before a task needs them. */
    void refreshClasses() throws IOException {
        synchronized (toWorker) {
            if (classesSent != SnippetClasses.version()) {
                shipClasses();
                toWorker.flush();
            }
        }
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Whether it was asked to end (see {@link #shutdown}) and has not exited yet. */
    boolean isEnding() {
        return ending && process.isAlive();
    }

    public boolean isBusy() {
        return busy;
    }

    long cpuNanos() {
        return cpuNanos;
    }

    public Process process() {
        return process;
    }

    String describe() {
        if (isSpare() && process.isAlive()) {
            return String.format("spare      pid %-8d %-24s (pre-started, no task yet)", pid(), isWarm() ? "ready" : "starting");
        }
        String state = !process.isAlive() ? "exited (" + lastOutcome + ")" : busy ? "busy" : ready.isDone() ? "idle" : "starting";
        return String.format("worker %-3d pid %-8d %-24s CPU %.2f s", index, pid(), state, cpuNanos / 1e9);
    }

    /** Waits until the worker JVM is up; returns its pid as it reported it. */
    public long awaitReady() throws Exception {
        return ready.get();
    }

    long awaitReady(long millis) throws Exception {
        return ready.get(millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    /**
     * Sends a task (a serialized Callable) for the cell {@code forCell}, where its output goes; the
     * future completes with its value or a WorkerFailure.
     */
    public CompletableFuture<Object> submit(byte[] serializedTask, long forCell) throws IOException {
        long id = TASK_IDS.incrementAndGet();
        CompletableFuture<Object> result = new CompletableFuture<>();
        pending.put(id, result);
        long[] times = {epochNanos(), 0};
        runningTimes.put(id, times);
        taskTimes.add(times);
        cell = forCell;
        busy = true;
        synchronized (toWorker) {
            shipClasses();
            toWorker.writeByte(Frames.TASK);
            toWorker.writeLong(id);
            WireStrings.writeBytes(toWorker, serializedTask);
            toWorker.flush();
        }
        return result;
    }

    /** Sends the notebook's classes if they changed since the last task. */
    private void shipClasses() throws IOException {
        long version = SnippetClasses.version();
        if (version == classesSent) {
            return;
        }
        Map<String, byte[]> classes = SnippetClasses.classes();
        List<String> classpath = SnippetClasses.classpath();
        toWorker.writeByte(Frames.CLASSES);
        toWorker.writeInt(classes.size());
        for (Map.Entry<String, byte[]> e : classes.entrySet()) {
            WireStrings.write(toWorker, e.getKey());
            WireStrings.writeBytes(toWorker, e.getValue());
        }
        toWorker.writeInt(classpath.size());
        for (String path : classpath) {
            WireStrings.write(toWorker, path);
        }
        classesSent = version;
    }

    /** Asks the worker to end after what it is doing. */
    public void shutdown() {
        ending = true;
        synchronized (toWorker) {
            try {
                toWorker.writeByte(Frames.SHUTDOWN);
                toWorker.flush();
            } catch (IOException alreadyGone) {
                // nothing to ask
            }
        }
    }

    /** Ends the worker now (and what it started). */
    public void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }

    private void read() {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(process.getInputStream(), 1 << 16))) {
            while (true) {
                int type = in.read();
                if (type < 0) {
                    break;
                }
                switch (type) {
                    case Frames.READY:
                        ready.complete(in.readLong());
                        lastOutcome = "ready";
                        break;
                    case Frames.WARMED:
                        cpuNanos = in.readLong();
                        warm.complete(cpuNanos);
                        break;
                    case Frames.OUTPUT:
                        int stream = in.readUnsignedByte();
                        relay(stream, WireStrings.read(in));
                        break;
                    case Frames.RESULT: {
                        long id = in.readLong();
                        cpuNanos = in.readLong();
                        byte[] value = WireStrings.readBytes(in);
                        finish(id, null, value);
                        break;
                    }
                    case Frames.FAILURE: {
                        long id = in.readLong();
                        cpuNanos = in.readLong();
                        String type2 = WireStrings.read(in);
                        String message = WireStrings.read(in);
                        String trace = WireStrings.read(in);
                        finish(id, new WorkerFailure(this, type2, message, trace), null);
                        break;
                    }
                    default:
                        throw new IOException("unknown frame " + type + " from worker " + index);
                }
            }
        } catch (IOException e) {
            // the worker is gone: handled below
        }
        flushPartialLines();
        int code;
        try {
            code = process.waitFor();
        } catch (InterruptedException e) {
            code = -1;
        }
        lastOutcome = describeExit(code);
        busy = false;
        warm.completeExceptionally(new IOException("the spare ended"));
        ready.completeExceptionally(new WorkerFailure(this, "WorkerDied", "worker " + index + " (pid " + pid()
                + ") " + lastOutcome + " before it was ready", ""));
        for (Map.Entry<Long, CompletableFuture<Object>> e : pending.entrySet()) {
            e.getValue().completeExceptionally(new WorkerFailure(this, "WorkerDied", "worker " + index + " (pid "
                    + pid() + ") " + lastOutcome + " while running a task", ""));
        }
        pending.clear();
    }

    /** Task times since {@code since} as lines "index pid startNs endNs". */
    void taskTimes(long since, List<String> into) {
        long now = epochNanos();
        for (long[] t : taskTimes) {
            if (t[1] == 0 || t[1] >= since) {
                into.add(index + " " + pid() + " " + t[0] + " " + (t[1] == 0 ? now : t[1]));
            }
        }
    }

    private static long epochNanos() {
        java.time.Instant now = java.time.Instant.now();
        return now.getEpochSecond() * 1_000_000_000L + now.getNano();
    }

    private static String describeExit(int code) {
        if (code == 0) {
            return "exited normally";
        }
        if (code > 128) {
            return "was killed by signal " + (code - 128);
        }
        return "exited with code " + code + " (System.exit(" + code + ") or a crash)";
    }

    private void finish(long id, WorkerFailure failure, byte[] value) {
        long[] times = runningTimes.remove(id);
        if (times != null) {
            times[1] = epochNanos();
        }
        CompletableFuture<Object> f = pending.remove(id);
        busy = !pending.isEmpty();
        lastOutcome = failure == null ? "ok" : "task failed";
        if (f == null) {
            return;
        }
        if (failure != null) {
            f.completeExceptionally(failure);
            return;
        }
        try {
            f.complete(Frames.deserialize(value, userLoader != null ? userLoader : Worker.class.getClassLoader()));
        } catch (IOException | ClassNotFoundException e) {
            f.completeExceptionally(new WorkerFailure(this, e.getClass().getName(),
                    "the result could not be read back: " + e.getMessage(), ""));
        }
    }

    /** Worker output, whole lines, labelled, into the cell that gave the worker its task. */
    private void relay(int stream, String text) {
        StringBuilder partial = partialLines[stream == 2 ? 1 : 0];
        synchronized (partial) {
            partial.append(text);
            int newline;
            while ((newline = partial.indexOf("\n")) >= 0) {
                String line = partial.substring(0, newline + 1);
                partial.delete(0, newline + 1);
                print(stream, label() + line);
            }
        }
    }

    private void flushPartialLines() {
        for (int s = 0; s < 2; s++) {
            StringBuilder partial = partialLines[s];
            synchronized (partial) {
                if (partial.length() > 0) {
                    print(s + 1, label() + partial + "\n");
                    partial.setLength(0);
                }
            }
        }
    }

    private void print(int stream, String text) {
        CellPrinter p = printer;
        if (p != null) { // a spare's warm-up prints for no cell
            p.print(cell, stream, text);
        }
    }

    private String label() {
        return "[worker " + index + " pid " + pid() + "] ";
    }
}
