package threadbook.api;

import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import threadbook.agent.CellThreads;
import threadbook.agent.Cells;
import threadbook.agent.Event;

/**
 * A progress bar under the cell that updates in place (text and HTML). Safe to step from any thread.
 *
 * <pre>
 * Progress p = Progress.start("downloads", 10);
 * ... p.step(); ...
 * p.done();
 * </pre>
 */
public final class Progress {
    private static final ScheduledExecutorService TICKER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "threadbook-progress");
        t.setDaemon(true);
        return t;
    });

    private final String label;
    private final int total;
    private final long cell = CellThreads.current();
    private final String id = UUID.randomUUID().toString();
    private final long startNanos = System.nanoTime();
    private final AtomicInteger count = new AtomicInteger();
    private volatile boolean shown;
    private volatile boolean finished;

    private Progress(String label, int total) {
        this.label = label;
        this.total = Math.max(total, 1);
    }

    /** A bar shown now. */
    public static Progress start(String label, int total) {
        Progress p = new Progress(label, total);
        p.show();
        p.tick();
        return p;
    }

    /** A bar shown only if the work is still going after {@code delayMillis} (short work shows none). */
    public static Progress deferred(String label, int total, long delayMillis) {
        Progress p = new Progress(label, total);
        TICKER.schedule(() -> {
            if (!p.finished) {
                p.show();
                p.tick();
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
        return p;
    }

    public void step() {
        count.incrementAndGet();
    }

    public void step(int n) {
        count.addAndGet(n);
    }

    public int count() {
        return count.get();
    }

    /** Marks the work finished; a shown bar shows its final state. */
    public void done() {
        finished = true;
        if (shown) {
            update();
        }
    }

    private synchronized void show() {
        if (!shown) {
            shown = true;
            Cells.send(new Event.Display(cell, id, false, bundle()));
        }
    }

    private void tick() {
        TICKER.schedule(() -> {
            if (!finished) {
                update();
                tick();
            }
        }, 250, TimeUnit.MILLISECONDS);
    }

    private synchronized void update() {
        Cells.send(new Event.Display(cell, id, true, bundle()));
    }

    private List<String[]> bundle() {
        int done = Math.min(count.get(), total);
        double fraction = (double) done / total;
        double seconds = (System.nanoTime() - startNanos) / 1e9;
        int width = 30;
        int filled = (int) Math.round(fraction * width);
        String text = String.format(Locale.ROOT, "%s [%s%s] %d/%d (%.1f s)", label, "#".repeat(filled),
                ".".repeat(width - filled), done, total, seconds);
        String html = String.format(Locale.ROOT, "<div style=\"font-family:monospace\">%s "
                        + "<progress value=\"%d\" max=\"%d\" style=\"width:20em\"></progress> %d/%d (%.1f s)</div>",
                escape(label), done, total, done, total, seconds);
        return List.of(new String[] {"text/html", html}, new String[] {"text/plain", text});
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
