package threadbook.api.widgets;

import java.util.ArrayList;
import java.util.List;

/**
 * Controls for a method's parameters above the method's output (ipywidgets' interactive): each change of
 * a control runs the method again with the controls' values, its output replacing the last run's. A
 * change while a run is still going interrupts that run; changes that come quickly one after another
 * (a slider being dragged) give one run, with the last values.
 */
public final class Interactive extends VBox {
    /** Changes closer together than this give one run. */
    static final long DEBOUNCE_MILLIS = 60;

    /** The method, called with the controls' values in order. */
    @FunctionalInterface
    public interface Body {
        void run(Object[] arguments) throws Exception;
    }

    private final List<ValueWidget<?>> controls;
    private final Output output;
    private final Body body;
    private final Object lock = new Object();
    private long generation;
    private Thread running;
    private boolean closed;
    private volatile int runs;

    Interactive(List<ValueWidget<?>> controls, Output output, Body body) {
        super(children(controls, output));
        this.controls = List.copyOf(controls);
        this.output = output;
        this.body = body;
        open();
        for (ValueWidget<?> c : controls) {
            c.observe("value", change -> schedule());
        }
        schedule();
    }

    private static Widget[] children(List<ValueWidget<?>> controls, Output output) {
        List<Widget> all = new ArrayList<>(controls);
        all.add(output);
        return all.toArray(new Widget[0]);
    }

    public List<ValueWidget<?>> controls() {
        return controls;
    }

    public Output output() {
        return output;
    }

    /** How many runs of the method have started (for checks: a change gave one more). */
    public int runs() {
        return runs;
    }

    /** Runs the method again with the controls' values now. */
    public void update() {
        schedule();
    }

    /** Closes the widget and interrupts the call still running; the controls' changes run nothing any more. */
    @Override
    public void close() {
        synchronized (lock) {
            closed = true;
            generation++;
            if (running != null) {
                running.interrupt();
            }
        }
        super.close();
    }

    private void schedule() {
        long mine;
        synchronized (lock) {
            if (closed) {
                return;
            }
            mine = ++generation;
            if (running != null) {
                running.interrupt();
            }
        }
        Thread t = new Thread(() -> runIfLatest(mine), "interact-" + modelId().substring(0, 6));
        t.setDaemon(true);
        t.start();
    }

    private void runIfLatest(long mine) {
        try {
            Thread.sleep(DEBOUNCE_MILLIS);
            Thread previous;
            synchronized (lock) {
                if (mine != generation) {
                    return;
                }
                previous = running;
            }
            if (previous != null) {
                previous.join(); // an interrupted run first ends: two runs never print into one output
            }
            synchronized (lock) {
                if (mine != generation) {
                    return;
                }
                running = Thread.currentThread();
            }
        } catch (InterruptedException e) {
            return;
        }
        Object[] arguments = controls.stream().map(ValueWidget::getValue).toArray();
        runs++;
        output.clearOutput(true);
        output.capture(() -> {
            try {
                body.run(arguments);
            } catch (InterruptedException stopped) {
                // a newer value came: its run follows
            } catch (Exception | Error e) {
                e.printStackTrace();
            } finally {
                synchronized (lock) {
                    if (running == Thread.currentThread()) {
                        running = null;
                    }
                }
            }
        });
        System.out.flush();
    }

    @Override
    public String toString() {
        return "interactive(" + controls + ")";
    }
}
