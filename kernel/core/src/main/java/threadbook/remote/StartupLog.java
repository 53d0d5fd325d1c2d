package threadbook.remote;

import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * One FINE line per stage of the kernel's start (THREADBOOK_LOG=FINE), with the time since the JVM
 * started: where the first cell's wait goes, for whoever makes the start faster next.
 */
public final class StartupLog {
    private static final Logger LOG = Logger.getLogger(StartupLog.class.getName());
    private static final long STARTED = ProcessHandle.current().info().startInstant()
            .map(java.time.Instant::toEpochMilli).orElse(System.currentTimeMillis());

    private StartupLog() {
    }

    /** Logs that {@code stage} is done now. */
    public static void stage(String stage) {
        if (LOG.isLoggable(Level.FINE)) {
            long now = System.currentTimeMillis();
            LOG.fine(() -> String.format("start-up: %s at %d ms after the JVM started (epoch %d)", stage, now - STARTED, now));
        }
    }
}
