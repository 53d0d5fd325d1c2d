package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

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
        CompletableFuture<String> line = CompletableFuture.supplyAsync(() -> {
            try {
                return handover.readLine(1, "? ");
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        });
        Thread.sleep(100);
        assertEquals(false, line.isDone(), "answered before there was a stdin channel");
        handover.attach(e -> { }, (cell, prompt) -> "typed at " + prompt);
        assertEquals("typed at ? ", line.get(30, TimeUnit.SECONDS));
    }
}
