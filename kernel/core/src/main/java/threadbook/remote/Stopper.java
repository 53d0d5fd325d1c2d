package threadbook.remote;

import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * A thread made in advance that runs stop jobs one after another. Stopping a cell must work when no thread
 * can be created any more: a notebook that started threads until the user's process limit leaves none for
 * the kernel either (one made per interrupt failed, and the interrupt did nothing).
 */
public final class Stopper {
    private static final Logger LOG = Logger.getLogger(Stopper.class.getName());
    private final BlockingQueue<Runnable> jobs = new LinkedBlockingQueue<>();
    private volatile boolean closed;

    public Stopper(String name) {
        Thread t = new Thread(this::run, name);
        t.setDaemon(true);
        t.start();
    }

    /** Runs {@code job} on this thread once the jobs before it are done; returns at once. */
    public void submit(Runnable job) {
        jobs.add(job);
    }

    /** Ends the thread once the jobs submitted before are done (a deleted subshell's stoppers). */
    public void close() {
        jobs.add(() -> closed = true);
    }

    private void run() {
        while (!closed) {
            Runnable job;
            try {
                job = jobs.take();
            } catch (InterruptedException e) {
                continue; // only close() or the JVM's end ends this thread
            }
            try {
                job.run();
            } catch (Throwable t) {
                // A job that fails must not end the thread: there may be no way to make another.
                LOG.log(Level.WARNING, "a stop failed", t);
            }
        }
    }
}
