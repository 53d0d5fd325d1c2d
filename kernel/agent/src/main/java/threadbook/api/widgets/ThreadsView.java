package threadbook.api.widgets;

import threadbook.agent.ThreadStates;

/**
 * A live table of the notebook's threads: their states (running, waiting, blocked), the locks each holds
 * and the one it waits for, with who holds it. It updates itself several times a second while cells run
 * (from a thread of its own, so it needs nothing from the frontend meanwhile), and sends only what changed.
 * {@code %threads --live} shows one; closing it (or a new Java session) stops it.
 */
public final class ThreadsView extends ValueWidget<String> {
    /** Four looks a second: fast enough to watch threads block, slow enough to cost nothing that shows. */
    static final long PERIOD_MILLIS = 250;

    public ThreadsView() {
        super("HTMLModel", "HTMLView", "HTMLStyleModel");
        ThreadStates.Snapshot first = ThreadStates.look();
        set("value", first.html());
        open();
        Thread updater = new Thread(() -> follow(first.key()), "threadbook-threads-view");
        updater.setDaemon(true);
        updater.start();
    }

    /** A new view, to show as a cell's value. */
    public static ThreadsView live() {
        return new ThreadsView();
    }

    private void follow(String shown) {
        while (isOpen()) {
            try {
                Thread.sleep(PERIOD_MILLIS);
            } catch (InterruptedException e) {
                continue; // ■ and %threads stop interrupt every thread; only closing ends the view
            }
            try {
                ThreadStates.Snapshot now = ThreadStates.look();
                if (!now.key().equals(shown)) {
                    ThreadStates.asRunningCell(() -> set("value", now.html()));
                    shown = now.key();
                }
            } catch (RuntimeException | LinkageError e) {
                // a thread that ended while it was described: the next look sees it gone
            }
        }
    }
}
