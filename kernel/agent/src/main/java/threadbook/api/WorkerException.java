package threadbook.api;

import threadbook.workers.Worker;

/**
 * A task failed in a worker process: its exception, with the worker's stack trace, or the worker
 * itself ended (a crash, System.exit).
 */
public final class WorkerException extends RuntimeException {
    private final String exceptionClass;
    private final String workerTrace;

    public WorkerException(Worker worker, String exceptionClass, String message, String workerTrace) {
        super("in worker " + worker.index() + " (pid " + worker.pid() + "): " + exceptionClass
                + (message == null || message.isEmpty() || message.equals("null") ? "" : ": " + message)
                + (workerTrace.isEmpty() ? "" : "\n--- stack trace in the worker ---\n" + workerTrace.stripTrailing()));
        this.exceptionClass = exceptionClass;
        this.workerTrace = workerTrace;
    }

    /** The class name of the exception thrown in the worker ("WorkerDied" if the worker ended). */
    public String exceptionClass() {
        return exceptionClass;
    }

    public String workerStackTrace() {
        return workerTrace;
    }
}
