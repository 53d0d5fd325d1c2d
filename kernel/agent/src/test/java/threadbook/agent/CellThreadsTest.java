package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Which cell a thread prints into. The cells here run on threads of their own, as the agent runs each cell on a
 * thread it starts: the test's own thread may carry a cell from another test class (CellThreads is per JVM).
 */
class CellThreadsTest {
    /** Cell numbers no other test in this JVM uses. */
    private static final AtomicLong CELLS = new AtomicLong(900_000);

    private static long newCell() {
        return CELLS.incrementAndGet();
    }

    /** Runs {@code body} on a new thread, as the code of a cell, and waits for it. */
    private static void onThread(Runnable body) throws InterruptedException {
        AtomicReference<Throwable> failed = new AtomicReference<>();
        Thread t = new Thread(() -> {
            try {
                body.run();
            } catch (Throwable e) {
                failed.set(e);
            }
        }, "cell-runner");
        t.start();
        t.join(TimeUnit.MINUTES.toMillis(1));
        assertTrue(!t.isAlive(), "the cell's thread ended");
        if (failed.get() instanceof AssertionError e) {
            throw e;
        }
        if (failed.get() != null) {
            throw new AssertionError(failed.get());
        }
    }

    /** Releases a thread when the test says so, and keeps it from ending before. */
    private static final class Gate {
        final CountDownLatch open = new CountDownLatch(1);

        void await() {
            try {
                open.await(1, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Test
    void aThreadStartedByACellPrintsIntoThatCellAfterItEndedAndWhileAnotherRuns() throws Exception {
        long first = newCell();
        long second = newCell();
        Gate gate = new Gate();
        AtomicLong printsInto = new AtomicLong();
        AtomicReference<Thread> started = new AtomicReference<>();
        onThread(() -> {
            CellThreads.enter(first, "[1]");
            Thread late = new Thread(() -> {
                gate.await();
                printsInto.set(CellThreads.current());
            });
            late.start();
            started.set(late);
            CellThreads.leave(first);
        });
        onThread(() -> CellThreads.enter(second, "[2]"));  // the next cell is running now
        gate.open.countDown();
        started.get().join(TimeUnit.MINUTES.toMillis(1));
        assertEquals(first, printsInto.get());
        onThread(() -> CellThreads.leave(second));
    }

    @Test
    void theCellAThreadStartedInIsTheFirstItWasSeenIn() throws Exception {
        long first = newCell();
        long second = newCell();
        Gate gate = new Gate();
        AtomicReference<Thread> started = new AtomicReference<>();
        try {
            onThread(() -> {
                CellThreads.enter(first, "[41]");
                Thread t = new Thread(gate::await, "worker-of-41");
                t.start();
                started.set(t);
                assertEquals("[41]", CellThreads.startedIn(t), "while its cell runs, a thread is that cell's");
                CellThreads.leave(first);
            });
            assertEquals("[41]", CellThreads.startedIn(started.get()));
            onThread(() -> {
                CellThreads.enter(second, "[42]");
                CellThreads.leave(second);
            });
            assertEquals("[41]", CellThreads.startedIn(started.get()), "a later cell's end does not take it over");
        } finally {
            gate.open.countDown();
        }
    }

    @Test
    void aThreadThatInheritedNoCellPrintsIntoTheLastCell() throws Exception {
        long cell = newCell();
        AtomicLong printsInto = new AtomicLong();
        onThread(() -> {
            CellThreads.enter(cell, "[7]");
            CellThreads.leave(cell);
        });
        // inheritThreadLocals = false: as a thread the JDK or a library starts outside any cell
        Thread outsider = new Thread(null, () -> printsInto.set(CellThreads.current()), "outsider", 0, false);
        outsider.start();
        outsider.join(TimeUnit.MINUTES.toMillis(1));
        assertEquals(cell, printsInto.get());
    }

    @Test
    void aPoolThreadPrintsIntoTheCellRunningNowNotTheOneThatMadeIt() throws Exception {
        long maker = newCell();
        long user = newCell();
        AtomicReference<ExecutorService> pool = new AtomicReference<>();
        try {
            onThread(() -> {
                CellThreads.enter(maker, "[1]");
                ExecutorService p = Executors.newSingleThreadExecutor();
                pool.set(p);
                try {
                    // The pool's thread is started now, inside cell [1], and inherits it.
                    assertEquals(maker, p.submit(CellThreads::current).get(1, TimeUnit.MINUTES).longValue());
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                CellThreads.leave(maker);
            });
            AtomicLong during = new AtomicLong();
            onThread(() -> {
                CellThreads.enter(user, "[2]");
                try {
                    during.set(pool.get().submit(CellThreads::current).get(1, TimeUnit.MINUTES));
                } catch (Exception e) {
                    throw new AssertionError(e);
                }
                CellThreads.leave(user);
            });
            assertEquals(user, during.get(), "a task submitted by cell [2] prints under [2]");
            long after = pool.get().submit(CellThreads::current).get(1, TimeUnit.MINUTES);
            assertEquals(user, after, "with no cell running, the cell that ran last");
        } finally {
            if (pool.get() != null) {
                pool.get().shutdownNow();
            }
        }
    }

    @Test
    void aForkJoinThreadIsAPoolThreadToo() throws Exception {
        long first = newCell();
        long second = newCell();
        ForkJoinPool pool = new ForkJoinPool(1);
        try {
            onThread(() -> {
                CellThreads.enter(first, "[1]");
                pool.submit(() -> { }).join();  // starts the pool's thread inside cell [1]
                CellThreads.leave(first);
            });
            AtomicLong during = new AtomicLong();
            onThread(() -> {
                CellThreads.enter(second, "[2]");
                during.set(CompletableFuture.supplyAsync(CellThreads::current, pool).join());
                CellThreads.leave(second);
            });
            assertEquals(second, during.get());
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * A subshell's cell runs on a command thread of its own while the notebook's cell runs: when it ends, the
     * notebook's cell is the running one again (a pool thread's lines go there, not to the ended subshell cell).
     */
    @Test
    void aSubshellCellEndingLeavesTheNotebooksCellRunning() throws Exception {
        long notebook = newCell();
        long subshell = newCell();
        Gate notebookRuns = new Gate();
        CountDownLatch entered = new CountDownLatch(1);
        Thread main = new Thread(() -> {
            CellThreads.enter(notebook, "[1]");
            entered.countDown();
            notebookRuns.await();
            CellThreads.leave(notebook);
        }, "main-command-thread");
        main.start();
        assertTrue(entered.await(1, TimeUnit.MINUTES));
        onThread(() -> {
            CellThreads.enter(subshell, "[1]");
            assertEquals(subshell, CellThreads.running());
            CellThreads.leave(subshell);
        });
        assertEquals(notebook, CellThreads.running(), "the notebook's cell runs again");
        assertEquals(notebook, CellThreads.runningOrLast());
        notebookRuns.open.countDown();
        main.join(TimeUnit.MINUTES.toMillis(1));
        assertEquals(Event.NO_CELL, CellThreads.running());
    }
}
