package threadbook.kernel;

import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import java.util.logging.Logger;
import threadbook.jshell.Interpreter;
import threadbook.protocol.Message;
import threadbook.remote.BackgroundStop;
import threadbook.remote.CellRun;
import threadbook.remote.Stopper;

/**
 * What an interrupt_request acts on, for one shell: the run of the cell the shell is on (see CellRun, which
 * holds whether it is stopped), the session it runs in, or, with no cell on, the cells the frontend sent
 * before the interrupt and the work cells left running.
 */
final class Interrupts {
    private static final Logger LOG = Logger.getLogger(Interrupts.class.getName());

    private final JShellSessions sessions;
    private final CellOutput output;
    private final AtomicLong cellIds;
    /** The subshell whose cells these are, null for the main shell. */
    private final String subshell;
    private final LongSupplier clock;

    // A run is "current" from the moment its request is taken from the queue until its code has ended (its
    // reply may still be on its way). Guarded by lock, which makes "no run is current, so the interrupt is
    // pending" and "this run is taken, is an interrupt pending for it" one step each.
    private final Object lock = new Object();
    private CellRun current;
    /** The session the current run runs in, once it has one. */
    private Interpreter currentSession;
    /**
     * When an interrupt came that found no current cell (as the frontend's header dates it), null if none:
     * the cells the frontend sent before it (still queued, or taken from the queue just after it) end as
     * interrupted before they start; the first one sent after it clears this.
     */
    private OffsetDateTime pendingInterrupt;
    private long pendingSince;

    private final AtomicBoolean stoppingBackground = new AtomicBoolean();
    // Made in advance: when the notebook's threads took every pid the user may have, an interrupt must still
    // work (it stops the cell through JDI on these threads; one made per interrupt could not be made).
    /** Stops the current cell (an interrupt with a cell running); one stop at a time is enough. */
    private final Stopper interrupter = new Stopper("threadbook-interrupt");
    /** Stops what cells left running (seconds with thousands of threads), beside the interrupter. */
    private final Stopper backgroundStopper = new Stopper("threadbook-stop-background");

    Interrupts(JShellSessions sessions, CellOutput output, AtomicLong cellIds, String subshell, LongSupplier clock) {
        this.sessions = sessions;
        this.output = output;
        this.cellIds = cellIds;
        this.subshell = subshell;
        this.clock = clock;
    }

    /**
     * Cell {@code cell}'s request was taken from the queue: its run, stopped already if a pending interrupt
     * meant it. {@code request} null: a run the frontend did not queue (a widget's rerun), which a pending
     * interrupt neither stops nor clears.
     */
    CellRun taken(long cell, Message request) {
        CellRun run = new CellRun(cell, subshell, CellRun.GRACE_MILLIS, clock);
        synchronized (lock) {
            current = run;
            if (request == null) {
                return run;
            }
            OffsetDateTime sent = dateOf(request);
            // The kernel's own clock bounds how long the interrupt waits: the frontend's may be off.
            boolean fresh = clock.getAsLong() - pendingSince < TimeUnit.SECONDS.toNanos(60);
            if (pendingInterrupt != null && sent != null && !sent.isAfter(pendingInterrupt) && fresh) {
                run.requestStop();
            } else {
                pendingInterrupt = null;
            }
        }
        return run;
    }

    /** The run has its session (null: none came) and starts; false if an interrupt came first. */
    boolean started(CellRun run, Interpreter session) {
        synchronized (lock) {
            if (session == null || !run.start()) {
                return false;
            }
            currentSession = session;
            return true;
        }
    }

    /** A magic restarted the session (see CellSteps.Restarter): an interrupt from now on reaches the new one. */
    void restarted(Interpreter fresh) {
        synchronized (lock) {
            currentSession = fresh;
        }
    }

    /** The run's code has ended. */
    void ended(CellRun run) {
        run.end();
        synchronized (lock) {
            current = null;
            currentSession = null;
        }
    }

    /** Whether a cell of this shell runs (or waits for its session) now. */
    boolean running() {
        synchronized (lock) {
            return current != null;
        }
    }

    /** A deleted subshell's: its stop threads end once the stops already asked for are done. */
    void close() {
        interrupter.close();
        backgroundStopper.close();
    }

    /**
     * From the control thread, returning at once: stops the current cell, escalating to a restart if it
     * will not stop. With no cell current (a second interrupt), stops the threads and worker processes
     * cells left, in the background, and notes it under the last cell; cells sent before this interrupt
     * and not yet taken from the queue will end without running.
     */
    void interrupt(Message request) {
        CellRun run;
        Interpreter session;
        synchronized (lock) {
            run = current;
            if (run == null) {
                pendingInterrupt = dateOf(request);
                pendingSince = clock.getAsLong();
            } else {
                run.requestStop();
            }
            session = currentSession;
        }
        if (run == null) {
            if (subshell == null) {
                stopBackgroundWork(cellIds.get());
            }
            return;
        }
        if (session == null) {
            return; // the run waits for its session: it sees the stop and ends
        }
        long cell = run.id();
        interrupter.submit(() -> {
            if (subshell != null) {
                if (!session.stop(run)) {
                    output.stream(cell, "stderr", "The cell did not stop within " + CellRun.GRACE_MILLIS
                            + " ms (it catches the stop, or waits for a lock). The Java process is left running for"
                            + " the notebook's sake: restart the kernel to end it.\n");
                }
                return;
            }
            String deadlock = session.deadlockReport();
            if (deadlock != null) {
                output.stream(cell, "stderr", deadlock);
            }
            if (!session.stop(run)) {
                LOG.warning("the cell did not stop within " + CellRun.GRACE_MILLIS + " ms; restarted the Java process");
            }
        });
    }

    /**
     * Stops what cells left running, on a thread of its own (with thousands of threads it takes seconds,
     * and the control channel must go on answering); says so under {@code lastCell}, the cell that ran
     * before the interrupt.
     */
    private void stopBackgroundWork(long lastCell) {
        Interpreter session = sessions.ifStarted();
        if (session == null || !stoppingBackground.compareAndSet(false, true)) {
            return;
        }
        backgroundStopper.submit(() -> {
            try {
                BackgroundStop done = session.stopBackgroundWork();
                if (!done.stopped().isEmpty()) {
                    output.stream(lastCell, "stderr", "Interrupt: stopped " + summary(done.stopped()) + ".\n");
                }
                if (!done.stuck().isEmpty()) {
                    output.stream(lastCell, "stderr", "Interrupt: could not stop " + summary(done.stuck())
                            + ": they wait for locks that are never released (a deadlock; %threads names it)."
                            + " Restart the kernel to end them.\n");
                }
            } finally {
                stoppingBackground.set(false);
            }
        });
    }

    /** After an interrupt, names what the cell started that is still running, and how to stop it. */
    void reportLeftovers(long cell) {
        Interpreter session = sessions.ifStarted();
        if (session == null || !session.isAlive()) {
            return;
        }
        List<String> lines = new java.util.ArrayList<>();
        try {
            for (String t : session.agent().threads(10)) {
                lines.add(t.startsWith("and ") ? "  " + t : "  thread " + t.strip());
            }
            for (String w : session.agent().workers()) {
                if (w.startsWith("worker")) {
                    lines.add("  " + w.strip());
                }
            }
        } catch (Exception e) {
            return;
        }
        if (!lines.isEmpty()) {
            output.stream(cell, "stderr", "Still running after the interrupt:\n" + String.join("\n", lines)
                    + "\nInterrupt again (with no cell running) to stop them, or use %threads stop / %workers stop.\n");
        }
    }

    /** The first few names, and how many more: thousands of thread names help nobody. */
    static String summary(List<String> names) {
        int shown = Math.min(names.size(), 10);
        String first = String.join(", ", names.subList(0, shown));
        return shown == names.size() ? first : first + " and " + (names.size() - shown) + " more";
    }

    /** When the frontend sent the message (its header's date), or null if it does not say. */
    private static OffsetDateTime dateOf(Message message) {
        if (!message.header().has("date") || !message.header().get("date").isJsonPrimitive()) {
            return null;
        }
        String date = message.header().get("date").getAsString();
        try {
            return OffsetDateTime.parse(date);
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(date).atOffset(java.time.ZoneOffset.UTC); // no zone: UTC, as jupyter_client
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }
}
