package threadbook.jshell;

import java.io.IOException;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import threadbook.agent.Event;
import threadbook.agent.ToAgent;

/**
 * What a session does with the agent's events before the kernel sees them: answers input requests, hands a
 * thread limit to its stop, drops the warm-up's output, and notes each run's sync event, which says that a
 * run's output has all been handed on.
 */
final class SessionEvents implements Consumer<Event> {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(SessionEvents.class.getName());
    private static final long SYNC_TIMEOUT_MILLIS = 3_000;

    private final Consumer<Event> sink;
    private final InputProvider input;
    private final ThreadLimitStops limitStops;
    private volatile Consumer<ToAgent> toAgent = message -> { };
    private volatile boolean exitHookRan;
    /**
     * The token and rich flag of the last sync event seen, by cell (see threadbook.agent.link.CellTag): by
     * cell, as a subshell's cell and the notebook's may run at once, their syncs coming from two agent threads.
     */
    private final Object syncSeen = new Object();
    private final Map<Long, Event.Sync> syncs = new HashMap<>();

    SessionEvents(Consumer<Event> sink, InputProvider input, ThreadLimitStops limitStops) {
        this.sink = sink;
        this.input = input;
        this.limitStops = limitStops;
    }

    /** Where the answers to input requests go, once the channel to the agent exists. */
    void answerTo(Consumer<ToAgent> toAgent) {
        this.toAgent = toAgent;
    }

    @Override
    public void accept(Event event) {
        if (event instanceof Event.Exiting) {
            exitHookRan = true;
        }
        if (event instanceof Event.InputRequest request) {
            answerInput(request);
            return;
        }
        if (event instanceof Event.LimitReached limit) {
            limitStops.reached(limit);
            return;
        }
        if (event.cell() == JShellSession.WARM_UP_CELL && !(event instanceof Event.Sync)) {
            return; // the warm-up's output is not shown (see JShellSession.warmUp)
        }
        sink.accept(event);
        if (event instanceof Event.Sync sync) {
            synchronized (syncSeen) {
                // One agent thread runs a cell's code, in the order of its runs: a cell's tokens only grow.
                syncs.put(sync.cell(), sync);
                syncSeen.notifyAll();
            }
        }
    }

    /** Whether the agent said it is exiting (System.exit in a cell, or its end). */
    boolean exitHookRan() {
        return exitHookRan;
    }

    /**
     * Waits until the sync event of run {@code token} has been handed to the sink: the agent sends it after
     * everything the run printed, before JShell's answer, so it is on its way already. No run reached the
     * agent (token 0: nothing compiled, an import, an interrupt before the code started): nothing to wait for.
     * Says whether the run's value has a rich form.
     */
    boolean awaitOutput(long cell, long token, BooleanSupplier closed) {
        if (token == 0) {
            return false;
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SYNC_TIMEOUT_MILLIS);
        synchronized (syncSeen) {
            try {
                // In slices: a Java process that died sends no sync, and nothing wakes this wait then.
                for (long left = deadline - System.nanoTime(); seen(cell) < token && left > 0 && !closed.getAsBoolean();
                        left = deadline - System.nanoTime()) {
                    TimeUnit.NANOSECONDS.timedWait(syncSeen, Math.min(left, TimeUnit.MILLISECONDS.toNanos(50)));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            Event.Sync last = syncs.remove(cell);
            if ((last == null || last.token() < token) && !closed.getAsBoolean()) {
                // The cell's output may still come, after its reply: a slow machine, or an agent that lost the mark.
                LOG.warning(() -> "no end-of-output mark from the Java process for run " + token + " of cell " + cell
                        + " within " + SYNC_TIMEOUT_MILLIS + " ms");
            }
            return last != null && last.token() == token && last.rich();
        }
    }

    private long seen(long cell) {
        Event.Sync last = syncs.get(cell);
        return last == null ? 0 : last.token();
    }

    /** Asks for the line on a thread of its own: the event channel keeps flowing while the user types. */
    private void answerInput(Event.InputRequest request) {
        Thread t = new Thread(() -> {
            try {
                toAgent.accept(new ToAgent.InputReply(true, input.readLine(request.cell(), request.prompt())));
            } catch (IOException e) {
                toAgent.accept(new ToAgent.InputReply(false, String.valueOf(e.getMessage())));
            }
        }, "threadbook-input");
        t.setDaemon(true);
        t.start();
    }
}
