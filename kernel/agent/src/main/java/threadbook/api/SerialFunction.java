package threadbook.api;

import java.io.Serializable;

/** A function for worker processes to apply: a lambda that can travel to another JVM. */
@FunctionalInterface
public interface SerialFunction<T, R> extends threadbook.workers.Tasks.Function<T, R>, Serializable {
    @Override
    R apply(T value) throws Exception;
}
