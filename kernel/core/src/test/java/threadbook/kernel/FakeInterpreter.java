package threadbook.kernel;

import java.lang.reflect.Proxy;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import threadbook.agent.ToAgent;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.AgentLink;
import threadbook.assist.CodeAssist;
import threadbook.jshell.CellResult;
import threadbook.jshell.Definition;
import threadbook.jshell.Interpreter;
import threadbook.remote.BackgroundStop;
import threadbook.remote.CellRun;

/**
 * An interpreter without Java, for the kernel's handlers (the idea of xeus's mock interpreter): a cell's
 * "Java" is a script. {@code block} runs until an interrupt stops it; {@code throw ...} fails;
 * {@code exit} ends the "Java process" (a closed session answers as a lost one too); code ending in
 * {@code ;} defines something (kept for a restart's replay); anything else is an expression whose value is
 * its own text. Each run and each interrupt goes into {@link #log}, shared with whatever else the test
 * logs, so the order of steps can be asserted.
 */
final class FakeInterpreter implements Interpreter {
    private final List<String> log;
    private final List<Path> startupJars;
    private final List<Definition> definitions = new ArrayList<>();
    private final List<String> classpath = new ArrayList<>();
    private final Object lock = new Object();
    private long runningCell;
    private boolean alive = true;
    private boolean closed;

    FakeInterpreter(List<String> log, List<Definition> replay, List<Path> startupJars) {
        this.log = log;
        this.startupJars = List.copyOf(startupJars);
        definitions.addAll(replay);
    }

    private void log(String line) {
        synchronized (log) {
            log.add(line);
        }
    }

    @Override
    public CellResult runJava(CellRun run, String cellLabel, String code) {
        String script = code.strip();
        synchronized (lock) {
            if (!alive || closed) {
                log("lost " + script);
                return CellResult.sessionLost("The Java process has ended.");
            }
            if (!run.beginJava()) {
                log("refused " + script);
                return CellResult.interrupted("The cell was interrupted.");
            }
            runningCell = run.id();
        }
        log("java " + script);
        try {
            if (script.equals("block")) {
                return block(run);
            }
            if (script.startsWith("throw")) {
                return CellResult.error("RuntimeException", script, List.of("RuntimeException: " + script));
            }
            if (script.equals("exit")) {
                synchronized (lock) {
                    alive = false;
                }
                return CellResult.sessionLost("The Java process has ended.");
            }
            if (script.endsWith(";")) {
                synchronized (lock) {
                    definitions.add(new Definition(script, cellLabel, 1));
                }
                return CellResult.ok(null);
            }
            return CellResult.ok(script);
        } finally {
            run.endJava();
            synchronized (lock) {
                runningCell = 0;
                lock.notifyAll();
            }
        }
    }

    /** Runs until run {@code run} is stopped; a generous bound keeps a broken test from hanging. */
    private CellResult block(CellRun run) {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        synchronized (lock) {
            lock.notifyAll(); // isRunning waiters
            while (!run.stopRequested()) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new IllegalStateException("the blocking cell was never interrupted");
                }
                try {
                    TimeUnit.NANOSECONDS.timedWait(lock, left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
            }
        }
        return CellResult.interrupted("The cell was interrupted.");
    }

    /** Waits (30 s at most) until cell {@code cell}'s Java runs; false if it never did. */
    boolean awaitRunning(long cell) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        synchronized (lock) {
            while (runningCell != cell) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(lock, left);
            }
            return true;
        }
    }

    @Override
    public boolean stop(CellRun run) {
        log("interrupt " + run.id());
        run.requestStop();
        synchronized (lock) {
            lock.notifyAll();
        }
        return true;
    }

    @Override
    public void closeSubshell(String id) {
    }

    @Override
    public BackgroundStop stopBackgroundWork() {
        log("stop background work");
        return new BackgroundStop(List.of("thread worker-1"), List.of());
    }

    @Override
    public String deadlockReport() {
        return null;
    }

    @Override
    public boolean isAlive() {
        synchronized (lock) {
            return alive && !closed;
        }
    }

    boolean closed() {
        synchronized (lock) {
            return closed;
        }
    }

    @Override
    public boolean lastValueIsRich() {
        return false;
    }

    /** No Java process to ask: every question fails as one to a busy or ended agent would. */
    @Override
    public AgentLink agent() {
        return (AgentLink) Proxy.newProxyInstance(AgentLink.class.getClassLoader(), new Class<?>[] {AgentLink.class},
                (proxy, method, args) -> {
                    throw new AgentException("the fake interpreter has no Java process");
                });
    }

    @Override
    public String cellLine(StackTraceElement frame) {
        return null;
    }

    @Override
    public List<Definition> definitions() {
        synchronized (lock) {
            return List.copyOf(definitions);
        }
    }

    @Override
    public List<Path> startupJars() {
        return startupJars;
    }

    @Override
    public void addToClasspath(String path) {
        synchronized (lock) {
            classpath.add(path);
        }
    }

    @Override
    public void toAgent(ToAgent message) {
    }

    @Override
    public CodeAssist.Completion complete(String code, int cursor) {
        return new CodeAssist.Completion(List.of(), cursor, cursor);
    }

    @Override
    public CodeAssist.Inspection inspect(String code, int cursor, int detail) {
        return CodeAssist.Inspection.NONE;
    }

    @Override
    public CodeAssist.Completeness isComplete(String code) {
        return new CodeAssist.Completeness("complete", "");
    }

    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
        }
        log("closed");
    }
}
