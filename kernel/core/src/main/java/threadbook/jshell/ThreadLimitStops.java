package threadbook.jshell;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.LongPredicate;
import threadbook.agent.Event;
import threadbook.remote.Stopper;

/**
 * What the kernel does when the agent counts more threads than THREADBOOK_MAX_THREADS (an
 * {@link Event.LimitReached}): stops the cell that runs, as an interrupt does, with the limit's message as
 * its error, then the threads that cell started (the agent's stopper picks that cell's). Past the cell's end,
 * the message goes to its output instead. On a thread made in advance: the limit is met when threads are scarce.
 */
final class ThreadLimitStops {
    private final LongPredicate stopCell;
    private final Runnable stopThreads;
    private final Consumer<Event> output;
    /** A cell the limit stopped: done once its threads are stopped too. */
    private record Stop(String message, CompletableFuture<Void> done) {}

    private final Map<Long, Stop> stops = new ConcurrentHashMap<>();
    private final Stopper stopper = new Stopper("threadbook-limit-stop");

    /**
     * The session's part: stopping a cell if it runs now (returns once it ended; false if it did not run),
     * ending the threads of the cell the agent named; and where a message goes when its cell has ended.
     */
    ThreadLimitStops(LongPredicate stopCell, Runnable stopThreads, Consumer<Event> output) {
        this.stopCell = stopCell;
        this.stopThreads = stopThreads;
        this.output = output;
    }

    /** From the event reader: returns at once, the stop goes on on its own thread. */
    void reached(Event.LimitReached limit) {
        CompletableFuture<Void> done = new CompletableFuture<>();
        stops.put(limit.cell(), new Stop(limit.message(), done));
        stopper.submit(() -> {
            try {
                if (!stopCell.test(limit.cell())) {
                    stops.remove(limit.cell());
                    output.accept(new Event.Stream(limit.cell(), Event.Stream.STDERR,
                            (limit.message() + "\n").getBytes(StandardCharsets.UTF_8)));
                }
                stopThreads.run();
            } finally {
                done.complete(null);
            }
        });
    }

    /**
     * The error of a cell the limit stopped, once its threads are stopped too (so that the next cell finds
     * them gone); null if the limit did not stop it. Called once the cell counts as ended.
     */
    CellResult result(long cell) {
        Stop stop = stops.remove(cell);
        if (stop == null) {
            return null;
        }
        try {
            // Thousands of threads on a busy machine take seconds to stop; past a minute they go on stopping
            // in the background and the cell ends anyway.
            stop.done().get(60, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (ExecutionException | TimeoutException e) {
            // the cell's error says what happened all the same
        }
        return CellResult.error("TooManyThreads", stop.message(), List.of(stop.message()));
    }
}
