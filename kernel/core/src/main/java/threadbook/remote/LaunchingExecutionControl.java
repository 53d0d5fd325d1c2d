package threadbook.remote;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import jdk.jshell.spi.ExecutionControl;

/**
 * JShell's execution engine while the agent JVM starts (half a second or more): JShell gets it at once, so
 * the session's startup imports compile meanwhile (they run nothing), and the first call that needs the
 * JVM waits for it. Closed before the JVM is up, it ends the JVM as soon as it has one.
 */
final class LaunchingExecutionControl implements ExecutionControl {

    /** Starts the JVM (telling {@code started} its process as soon as there is one) and connects to it. */
    interface Launch {
        ExecutionControl run(Consumer<Process> started) throws Exception;
    }

    private final CompletableFuture<ExecutionControl> engine = new CompletableFuture<>();
    private volatile Process process;
    private volatile boolean closed;

    LaunchingExecutionControl(Launch launch) {
        Thread t = new Thread(() -> {
            try {
                ExecutionControl ready = launch.run(p -> {
                    process = p;
                    if (closed) {
                        p.destroyForcibly();
                    }
                });
                engine.complete(ready);
                if (closed) {
                    ready.close();
                }
            } catch (Throwable e) {
                engine.completeExceptionally(e);
            }
        }, "threadbook-agent-launch");
        t.setDaemon(true);
        t.start();
    }

    /** The running engine; an IOException saying why the JVM could not start otherwise. */
    ExecutionControl await() throws IOException {
        try {
            return engine.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof IOException io ? io : new IOException(String.valueOf(cause.getMessage()), cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the Java process for the notebook started", e);
        }
    }

    private ExecutionControl running() throws EngineTerminationException {
        try {
            return await();
        } catch (IOException e) {
            throw new EngineTerminationException(e.getMessage());
        }
    }

    @Override
    public void load(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        running().load(cbcs);
    }

    @Override
    public void redefine(ClassBytecodes[] cbcs) throws ClassInstallException, NotImplementedException, EngineTerminationException {
        running().redefine(cbcs);
    }

    @Override
    public String invoke(String className, String methodName) throws RunException, EngineTerminationException, InternalException {
        return running().invoke(className, methodName);
    }

    @Override
    public String varValue(String className, String varName) throws RunException, EngineTerminationException, InternalException {
        return running().varValue(className, varName);
    }

    @Override
    public void addToClasspath(String path) throws EngineTerminationException, InternalException {
        running().addToClasspath(path);
    }

    /** Nothing runs before the JVM is up: nothing to stop then. */
    @Override
    public void stop() throws EngineTerminationException, InternalException {
        ExecutionControl ready = engine.getNow(null);
        if (ready != null) {
            ready.stop();
        }
    }

    @Override
    public Object extensionCommand(String command, Object arg) throws RunException, EngineTerminationException, InternalException {
        return running().extensionCommand(command, arg);
    }

    @Override
    public void close() {
        closed = true;
        if (engine.isDone() && !engine.isCompletedExceptionally()) {
            engine.join().close();
            return;
        }
        Process p = process;
        if (p != null) {
            // The launch then fails at once (it waits only while the process lives) and cleans up.
            p.destroyForcibly();
        }
    }
}
