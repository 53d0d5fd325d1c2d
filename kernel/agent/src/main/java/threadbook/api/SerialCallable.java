package threadbook.api;

import java.io.Serializable;
import java.util.concurrent.Callable;

/** A computation for a worker process: a lambda that can travel to another JVM. */
@FunctionalInterface
public interface SerialCallable<V> extends Callable<V>, Serializable {}
