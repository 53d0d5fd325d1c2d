package threadbook.workers;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** The tasks that travel to worker processes (they must be on the worker's class path: this jar). */
public final class Tasks {
    private Tasks() {}

    /**
     * A function that can travel to a worker. The notebook's {@code threadbook.api.SerialFunction}
     * extends it: this package runs tasks and needs nothing from the API above it.
     */
    @FunctionalInterface
    public interface Function<T, R> extends Serializable {
        R apply(T value) throws Exception;
    }

    /** Code that can travel to a worker; the notebook's {@code threadbook.api.SerialRunnable} extends it. */
    @FunctionalInterface
    public interface Body extends Serializable {
        void run() throws Exception;
    }

    /** A task as bytes for the worker; a value that cannot travel gets an error naming its type. */
    public static byte[] serialize(Object task) {
        return Frames.serialize(task, "the task (its lambda and the values it captures)");
    }

    /** Applies a function to one item: one element of a pool's map. */
    public record Apply<T, R>(Function<T, R> function, T item) implements Callable<R>, Serializable {
        @Override
        public R call() throws Exception {
            return function.apply(item);
        }
    }

    /** Applies a function to a chunk of items: a long map sends chunks, not one message per item. */
    public record ApplyAll<T, R>(Function<T, R> function, java.util.List<T> items)
            implements Callable<java.util.List<R>>, Serializable {
        @Override
        public java.util.List<R> call() throws Exception {
            java.util.List<R> results = new java.util.ArrayList<>(items.size());
            for (T item : items) {
                results.add(function.apply(item));
            }
            return results;
        }
    }

    /** Runs code for its effects: a WorkerProcess's target. */
    public record Run(Body target) implements Callable<Object>, Serializable {
        @Override
        public Object call() throws Exception {
            target.run();
            return null;
        }
    }

    /** Computes a value: a pool's submit. */
    public record Compute<V>(Callable<V> callable) implements Callable<V>, Serializable {
        @Override
        public V call() throws Exception {
            return callable.call();
        }
    }

    /**
     * The task that warms a spare up: a lambda (read back through the same code as the notebook's), the
     * number formatting and printing that tasks do, and a value to send back.
     */
    static byte[] warmUp() {
        Callable<Object> work = (Callable<Object> & Serializable) () -> {
            System.out.println(String.format(java.util.Locale.ROOT, "%.2f s %s %d", 1.5, "warm", 42) + " " + 2.5 + " " + 7L);
            java.util.List<Integer> values = new java.util.ArrayList<>(java.util.List.of(3, 1, 2));
            values.sort(null);
            return values;
        };
        return serialize(new Compute<>(work));
    }
}
