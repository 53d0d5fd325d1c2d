package threadbook.api;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import threadbook.agent.CellThreads;
import threadbook.agent.Cells;
import threadbook.workers.Spares;
import threadbook.workers.Tasks;
import threadbook.workers.Worker;

/**
 * One worker process running code defined in the notebook: the twin of Python's
 * {@code multiprocessing.Process(target=f, args=(n,))}. The arguments travel with the lambda:
 *
 * <pre>
 * WorkerProcess p = new WorkerProcess(() -> computeSquare(4));
 * p.start();
 * p.join();
 * </pre>
 *
 * It is a JVM of its own: its own pid, its own memory (a variable it changes is not changed here).
 */
public final class WorkerProcess {
    private final SerialRunnable target;
    private final int number;
    private Worker worker;
    private CompletableFuture<Object> done;
    private volatile boolean failed;

    /** A process whose output lines are labelled "[worker NUMBER pid P]" (see Worker.nextNumber). */
    public WorkerProcess(SerialRunnable target) {
        this.target = target;
        this.number = Worker.nextNumber();
    }

    /** Starts the process (it runs the target, then ends). */
    public synchronized WorkerProcess start() {
        if (worker != null) {
            throw new IllegalStateException("this process was already started (a WorkerProcess starts once)");
        }
        byte[] task = Tasks.serialize(new Tasks.Run(target));
        long cell = CellThreads.current();
        try {
            worker = Spares.take(number, cell, Cells::print);
            done = WorkerException.raisedBy(worker.submit(task, cell));
        } catch (IOException e) {
            throw new IllegalStateException("could not start the worker process: " + e.getMessage(), e);
        }
        Worker w = worker;
        done.whenComplete((v, e) -> {
            if (e instanceof WorkerException failure && !"WorkerDied".equals(failure.exceptionClass())) {
                // As in Python, the child's traceback shows in the output and the exit code says it failed.
                failed = true;
                Cells.print(cell, 2, "[worker " + number + " pid " + w.pid() + "] " + failure.getMessage() + "\n");
            }
            w.shutdown();
        });
        return this;
    }

    /** Waits until the process has ended. Interrupting the cell ends the process too. */
    public void join() throws InterruptedException {
        Worker w = started();
        try {
            w.process().waitFor();
        } catch (Throwable t) {
            w.kill();
            throw t;
        }
    }

    /** Waits at most {@code millis}; returns true if the process has ended. */
    public boolean join(long millis) throws InterruptedException {
        Worker w = started();
        try {
            return w.process().waitFor(millis, TimeUnit.MILLISECONDS);
        } catch (Throwable t) {
            w.kill();
            throw t;
        }
    }

    public long pid() {
        return started().pid();
    }

    public boolean isAlive() {
        return worker != null && worker.isAlive();
    }

    /** The exit code once the process has ended (1 if the target threw), or null while it runs. */
    public Integer exitCode() {
        Worker w = started();
        if (w.isAlive()) {
            return null;
        }
        int code = w.process().exitValue();
        return code == 0 && failed ? 1 : code;
    }

    private synchronized Worker started() {
        if (worker == null) {
            throw new IllegalStateException("the process has not been started: call start() first");
        }
        return worker;
    }

    @Override
    public String toString() {
        return worker == null ? "WorkerProcess[not started]" : "WorkerProcess[pid " + worker.pid()
                + (isAlive() ? ", running]" : ", exit code " + exitCode() + "]");
    }
}
