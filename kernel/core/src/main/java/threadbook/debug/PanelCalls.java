package threadbook.debug;

import com.sun.jdi.ThreadReference;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.FutureTask;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Methods the debugger runs in a stopped thread for its panels (a value's toString, its rich form). Each
 * runs on a thread of its own and is waited for {@value #SECONDS} s at most: a method that never returns
 * must not hang the control channel (interrupt and the other debug requests go through it). While one
 * runs, the JDI events of its thread must not wait for the debugger's lock, which the panel's request
 * holds: {@link #runsIn} tells the event side to let them pass.
 */
final class PanelCalls {
    static final int SECONDS = 3;

    private volatile ThreadReference running;

    /** Whether a panel's method is running in {@code thread} now. */
    boolean runsIn(ThreadReference thread) {
        ThreadReference t = running;
        return t != null && t.equals(thread);
    }

    /** Runs {@code body}, which invokes a method in the suspended {@code thread}, and waits for its result. */
    <T> T call(ThreadReference thread, Callable<T> body) throws InterruptedException, ExecutionException, TimeoutException {
        FutureTask<T> call = new FutureTask<>(() -> {
            running = thread;
            try {
                return body.call();
            } finally {
                running = null;
            }
        });
        Thread runner = new Thread(call, "threadbook-debug-invoke");
        runner.setDaemon(true);
        runner.start();
        return call.get(SECONDS, TimeUnit.SECONDS);
    }
}
