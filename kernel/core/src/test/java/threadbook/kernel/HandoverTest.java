package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import threadbook.agent.Event;

/** What the session sends before the kernel's channels exist reaches them, in order, once they do. */
class HandoverTest {

    @Test
    void eventsBeforeTheChannelsExistArriveFirstAndInOrder() {
        Handover handover = new Handover();
        handover.accept(new Event.Sync(-1, 1, false));
        handover.accept(new Event.Sync(-1, 2, false));
        List<Event> got = new CopyOnWriteArrayList<>();
        handover.attach(got::add, (cell, prompt) -> "typed");
        handover.accept(new Event.Sync(-1, 3, false));
        assertEquals(List.of(1L, 2L, 3L), got.stream().map(e -> ((Event.Sync) e).token()).toList());
    }

    @Test
    void inputAskedBeforeTheChannelsExistWaitsForThem() throws Exception {
        Handover handover = new Handover();
        CompletableFuture<String> line = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try {
                line.complete(handover.readLine(1, "? "));
            } catch (java.io.IOException | RuntimeException e) {
                line.completeExceptionally(e);
            }
        }, "reader");
        reader.start();
        awaitWaitingForAttach(reader);
        assertEquals(false, line.isDone(), "answered before there was a stdin channel");
        handover.attach(e -> { }, (cell, prompt) -> "typed at " + prompt);
        assertEquals("typed at ? ", line.get(30, TimeUnit.SECONDS));
    }

    /** Until the thread waits in Handover.awaitAttached: from then on only attach can answer it. */
    private static void awaitWaitingForAttach(Thread t) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!(t.getState() == Thread.State.WAITING && Arrays.stream(t.getStackTrace())
                .anyMatch(f -> f.getMethodName().equals("awaitAttached")))) {
            assertTrue(t.isAlive() && System.nanoTime() < deadline, "the reader waits for the channels: " + t.getState());
            Thread.sleep(1);
        }
    }
}
