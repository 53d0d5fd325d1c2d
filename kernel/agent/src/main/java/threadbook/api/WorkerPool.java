package threadbook.api;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import threadbook.agent.CellThreads;
import threadbook.agent.Cells;
import threadbook.workers.Spares;
import threadbook.workers.Tasks;
import threadbook.workers.Worker;
import threadbook.workers.WorkerRegistry;

/**
 * A pool of worker processes: the twin of Python's {@code multiprocessing.Pool}. Each worker is a JVM
 * of its own (its own pid, its own memory) that runs functions defined in the notebook; arguments and
 * results travel by Java serialization.
 *
 * <pre>
 * int square(int n) { return n * n; }
 * try (WorkerPool pool = new WorkerPool(3)) {
 *     System.out.println("Squares: " + pool.map(n -> square(n), List.of(1, 2, 3, 4, 5)));
 * }
 * </pre>
 *
 * The workers start at once, in parallel, and are reused by every call until the pool is closed. A
 * worker that crashes or calls System.exit is reported (the task's call throws a WorkerException) and
 * replaced.
 */
public final class WorkerPool implements AutoCloseable {
    private final List<Worker> workers = new ArrayList<>();
    private final BlockingQueue<Worker> idle = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    public WorkerPool(int processes) {
        if (processes < 1) {
            throw new IllegalArgumentException("a pool needs at least 1 process, not " + processes);
        }
        WorkerRegistry.checkRoom(processes, "new WorkerPool(" + processes + ")");
        try {
            for (int i = 1; i <= processes; i++) {
                Worker w = Spares.take(Worker.nextNumber(), CellThreads.current(), Cells::print);
                workers.add(w);
                idle.add(w);
            }
        } catch (IOException e) {
            close();
            throw new IllegalStateException("could not start a worker process: " + e.getMessage(), e);
        }
    }

    public int size() {
        return workers.size();
    }

    /** The pids of the pool's worker processes. */
    public synchronized List<Long> pids() {
        List<Long> pids = new ArrayList<>();
        for (Worker w : workers) {
            pids.add(w.pid());
        }
        return pids;
    }

    /** Waits until every worker JVM has started (map and submit do not need this: they wait as needed). */
    public WorkerPool awaitReady() {
        for (Worker w : new ArrayList<>(workers)) {
            try {
                w.awaitReady();
            } catch (Exception e) {
                String why = e.getCause() instanceof threadbook.workers.WorkerFailure f ? new WorkerException(f).toString() : e.getMessage();
                throw new IllegalStateException("a worker did not start: " + why, e);
            }
        }
        return this;
    }

    /**
     * Applies {@code function} to every item in the worker processes; the results come in the order of
     * the items. A long map shows a progress bar under the cell.
     */
    public <T, R> List<R> map(SerialFunction<T, R> function, List<T> items) {
        // Like Python's Pool.map, many items go in chunks (about four per worker), so that the cost of a
        // message is paid per chunk, not per item; few items go one by one, spread over the workers.
        int chunk = Math.max(1, (int) Math.ceil(items.size() / (4.0 * workers.size())));
        List<CompletableFuture<Object>> futures = new ArrayList<>();
        List<byte[]> tasks = new ArrayList<>();
        List<Integer> sizes = new ArrayList<>();
        for (int from = 0; from < items.size(); from += chunk) {
            List<T> part = new ArrayList<>(items.subList(from, Math.min(items.size(), from + chunk)));
            tasks.add(serialize(chunk == 1 ? new Tasks.Apply<>(function, part.get(0)) : new Tasks.ApplyAll<>(function, part)));
            sizes.add(part.size());
        }
        Progress progress = items.size() > 1 ? Progress.deferred("map", items.size(), 1000) : null;
        try {
            for (int i = 0; i < tasks.size(); i++) {
                CompletableFuture<Object> f = dispatch(tasks.get(i));
                if (progress != null) {
                    int size = sizes.get(i);
                    f.whenComplete((v, e) -> progress.step(size));
                }
                futures.add(f);
            }
            List<R> results = new ArrayList<>(items.size());
            for (CompletableFuture<Object> f : futures) {
                Object value = value(f);
                if (chunk == 1) {
                    @SuppressWarnings("unchecked")
                    R one = (R) value;
                    results.add(one);
                } else {
                    @SuppressWarnings("unchecked")
                    List<R> many = (List<R>) value;
                    results.addAll(many);
                }
            }
            return results;
        } catch (Throwable t) {
            // Interrupted, or a task failed: no worker keeps working for a call that is over.
            for (CompletableFuture<Object> f : futures) {
                if (!f.isDone()) {
                    f.cancel(false);
                }
            }
            stopBusyWorkers();
            throw t;
        } finally {
            if (progress != null) {
                progress.done();
            }
        }
    }

    /** Runs a computation in a worker process; the future holds its value. */
    public <V> Future<V> submit(SerialCallable<V> task) {
        byte[] bytes = serialize(new Tasks.Compute<>(task));
        CompletableFuture<Object> f = dispatch(bytes);
        return f.thenApply(v -> {
            @SuppressWarnings("unchecked")
            V value = (V) v;
            return value;
        });
    }

    private CompletableFuture<Object> dispatch(byte[] task) {
        if (closed) {
            throw new IllegalStateException("the pool is closed");
        }
        long cell = CellThreads.current();
        Worker w;
        try {
            w = idle.take();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a free worker", e);
        }
        if (!w.isAlive()) {
            w = replace(w);
        }
        Worker worker = w;
        CompletableFuture<Object> result;
        try {
            result = WorkerException.raisedBy(worker.submit(task, cell));
        } catch (IOException e) {
            idle.add(replace(worker));
            throw new IllegalStateException("could not send the task to worker " + worker.index() + ": " + e.getMessage(), e);
        }
        result.whenComplete((v, e) -> {
            if (!closed) {
                idle.add(worker.isAlive() ? worker : replace(worker));
            }
        });
        return result;
    }

    private synchronized Worker replace(Worker dead) {
        dead.kill();
        try {
            Worker fresh = Spares.take(Worker.nextNumber(), CellThreads.current(), Cells::print);
            workers.set(workers.indexOf(dead), fresh);
            return fresh;
        } catch (IOException e) {
            throw new IllegalStateException("could not start a worker process to replace worker " + dead.index(), e);
        }
    }

    private synchronized void stopBusyWorkers() {
        for (Worker w : workers) {
            if (w.isBusy()) {
                w.kill(); // replaced when it is next taken from the idle queue
            }
        }
    }

    private static Object value(CompletableFuture<Object> f) {
        try {
            return f.get();
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException(e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the workers", e);
        }
    }

    static byte[] serialize(Object task) {
        return Tasks.serialize(task);
    }

    /** Ends the worker processes (after the tasks they are running). */
    @Override
    public synchronized void close() {
        closed = true;
        for (Worker w : workers) {
            w.shutdown();
        }
    }

    @Override
    public String toString() {
        return "WorkerPool[" + workers.size() + " processes, pids " + pids() + "]";
    }
}
