package threadbook.kernel;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import threadbook.agent.Event;
import threadbook.jshell.InputProvider;

/**
 * Where the Java session sends its output and asks for input, before the kernel's sockets exist: the
 * session starts first (it is the longest part of a kernel's start), and what it sends meanwhile waits
 * here until the kernel has an output channel and a stdin channel to hand it to.
 */
final class Handover implements Consumer<Event>, InputProvider {
    private final List<Event> early = new ArrayList<>();
    private Consumer<Event> events;
    private InputProvider input;

    /** The kernel's channels are ready: what waited goes out first, in order. */
    synchronized void attach(Consumer<Event> events, InputProvider input) {
        early.forEach(events);
        early.clear();
        this.events = events;
        this.input = input;
        notifyAll();
    }

    /** Waits until {@link #attach} was called (whatever the kernel set before it is then visible). */
    synchronized void awaitAttached() throws InterruptedException {
        while (events == null) {
            wait();
        }
    }

    @Override
    public void accept(Event event) {
        Consumer<Event> to;
        synchronized (this) {
            if (events == null) {
                early.add(event);
                return;
            }
            to = events;
        }
        to.accept(event);
    }

    @Override
    public String readLine(long cell, String prompt) throws IOException {
        InputProvider to;
        try {
            synchronized (this) {
                awaitAttached();
                to = input;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while the kernel started", e);
        }
        return to.readLine(cell, prompt);
    }
}
