package threadbook.kernel;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.List;
import threadbook.jshell.Definition;
import threadbook.jshell.Interpreter;

/**
 * The kernel's JShell session over time: started in the background as soon as the kernel runs (so
 * kernel_info is answered at once), started again after the Java process ended.
 */
final class JShellSessions implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(JShellSessions.class.getName());

    /** Starting a session failed; the message says why in words a user can act on. */
    static final class StartFailure extends Exception {
        StartFailure(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /** Starts a session, defining again what a session before it had defined. */
    interface Starter {
        Interpreter start(List<Definition> replay, List<java.nio.file.Path> startupJars) throws Exception;
    }

    private final Starter starter;
    private CompletableFuture<Interpreter> current;
    private boolean closed;
    /** What the session being started defines again (after a restart): names completion knows meanwhile. */
    private volatile List<Definition> starting = List.of();
    /** What every session from now on starts with on its class path (see SessionOptions.startupJars). */
    private volatile List<java.nio.file.Path> startupJars = List.of();

    JShellSessions(Starter starter) {
        this.starter = starter;
        this.current = startInBackground(List.of());
    }

    private CompletableFuture<Interpreter> startInBackground() {
        return startInBackground(List.of());
    }

    private CompletableFuture<Interpreter> startInBackground(List<Definition> replay) {
        starting = replay;
        CompletableFuture<Interpreter> future = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                Interpreter session = starter.start(replay, startupJars);
                LOG.info(() -> String.format("Java session ready in %.0f ms", (System.nanoTime() - t0) / 1e6));
                future.complete(session);
            } catch (Throwable e) {
                LOG.log(Level.SEVERE, "could not start the Java session", e);
                future.completeExceptionally(e);
            }
        }, "threadbook-session-start");
        t.setDaemon(true);
        t.start();
        return future;
    }

    /** The session, waiting for it to start if needed; a dead one is replaced first. */
    Interpreter get() throws StartFailure {
        return get(() -> false);
    }

    /** The session if it is ready within {@code millis}; null if it is still starting then. */
    Interpreter within(long millis) throws StartFailure {
        long deadline = System.nanoTime() + millis * 1_000_000;
        return get(() -> System.nanoTime() - deadline > 0);
    }

    /**
     * As {@link #get()}, but gives up as soon as {@code giveUp} says so (an interrupt came while the
     * session starts): returns null then.
     */
    Interpreter get(java.util.function.BooleanSupplier giveUp) throws StartFailure {
        CompletableFuture<Interpreter> future;
        synchronized (this) {
            if (current.isDone() && !current.isCompletedExceptionally() && !current.join().isAlive()) {
                current = startInBackground(current.join().definitions());
            }
            future = current;
        }
        try {
            while (true) {
                try {
                    return future.get(10, java.util.concurrent.TimeUnit.MILLISECONDS);
                } catch (java.util.concurrent.TimeoutException notYet) {
                    if (giveUp.getAsBoolean()) {
                        return null;
                    }
                }
            }
        } catch (ExecutionException e) {
            synchronized (this) {
                if (current == future) {
                    current = startInBackground(); // try again next time
                }
            }
            throw new StartFailure("The Java session could not start: " + e.getCause(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StartFailure("interrupted while waiting for the Java session", e);
        }
    }

    /**
     * Ends {@code old} and starts a session whose Java process has {@code jars} on its class path from its
     * start, as every later one will, defining again what {@code old} had defined; waits until it runs.
     */
    Interpreter restartWith(Interpreter old, List<java.nio.file.Path> jars) throws StartFailure {
        synchronized (this) {
            List<java.nio.file.Path> all = new java.util.ArrayList<>(startupJars);
            jars.stream().filter(j -> !all.contains(j)).forEach(all::add);
            startupJars = List.copyOf(all);
            List<Definition> definitions = old.definitions();
            old.close();
            current = startInBackground(definitions);
        }
        return get();
    }

    /** The definitions the starting session will have (those of the session before it). */
    List<Definition> startingDefinitions() {
        return starting;
    }

    /** The session if it has started, without waiting; null otherwise. */
    synchronized Interpreter ifStarted() {
        return current.isDone() && !current.isCompletedExceptionally() ? current.join() : null;
    }

    /** Replaces a session that has died with a new one, starting now so the next cell need not wait. */
    synchronized void replaceIfDead() {
        Interpreter s = ifStarted();
        if (s != null && !s.isAlive() && !closed) {
            s.close();
            current = startInBackground(s.definitions());
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        current.thenAccept(Interpreter::close);
        Interpreter s = ifStarted();
        if (s != null) {
            s.close();
        }
    }
}
