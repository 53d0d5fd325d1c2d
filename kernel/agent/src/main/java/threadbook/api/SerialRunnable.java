package threadbook.api;

import java.io.Serializable;

/** Code for a worker process to run: a lambda that can travel to another JVM. */
@FunctionalInterface
public interface SerialRunnable extends threadbook.workers.Tasks.Body, Serializable {
    @Override
    void run() throws Exception;
}
