package threadbook.workers;

/**
 * A task failed in a worker process, or the worker ended. Internal: {@code threadbook.api} turns it into
 * the {@code WorkerException} a notebook sees (so this package needs nothing from the API above it).
 */
public final class WorkerFailure extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String exceptionClass;
    private final String workerTrace;

    WorkerFailure(Worker worker, String exceptionClass, String message, String workerTrace) {
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
