package threadbook.api;

import java.util.concurrent.CompletableFuture;
import threadbook.workers.WorkerFailure;

/**
 * A task failed in a worker process: its exception, with the worker's stack trace, or the worker
 * itself ended (a crash, System.exit).
 */
public final class WorkerException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String exceptionClass;
    private final String workerTrace;

    WorkerException(WorkerFailure failure) {
        super(failure.getMessage());
        this.exceptionClass = failure.exceptionClass();
        this.workerTrace = failure.workerStackTrace();
    }

    /** The class name of the exception thrown in the worker ("WorkerDied" if the worker ended). */
    public String exceptionClass() {
        return exceptionClass;
    }

    public String workerStackTrace() {
        return workerTrace;
    }

    /** {@code task}'s outcome, its worker failure (if any) as the WorkerException a notebook sees. */
    static CompletableFuture<Object> raisedBy(CompletableFuture<Object> task) {
        CompletableFuture<Object> seen = new CompletableFuture<>();
        task.whenComplete((value, failure) -> {
            if (failure == null) {
                seen.complete(value);
            } else {
                seen.completeExceptionally(failure instanceof WorkerFailure f ? new WorkerException(f) : failure);
            }
        });
        return seen;
    }
}
