package threadbook.remote;

import com.sun.jdi.VMDisconnectedException;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.VMDeathEvent;
import com.sun.jdi.event.VMDisconnectEvent;
import com.sun.jdi.event.VMStartEvent;
import java.util.function.Predicate;

/**
 * The one reader of the agent JVM's JDI event queue (JDI hands each event set to one reader only). It
 * tells the session when the agent ends, and passes every other event to the debugger, which may keep
 * the thread of a breakpoint suspended; without a debugger, every event set is resumed at once.
 */
public final class JdiEvents {
    private final Runnable ended;
    private volatile Predicate<EventSet> listener;

    JdiEvents(VirtualMachine vm, Runnable ended) {
        this.ended = ended;
        Thread t = new Thread(() -> run(vm), "threadbook-jdi-events");
        t.setDaemon(true);
        t.start();
    }

    /** {@code listener} returns true for a set it keeps suspended (it resumes it later itself). */
    public void listen(Predicate<EventSet> listener) {
        this.listener = listener;
    }

    private void run(VirtualMachine vm) {
        try {
            while (true) {
                EventSet set = vm.eventQueue().remove();
                boolean exit = false;
                boolean start = false;
                for (Event e : set) {
                    exit |= e instanceof VMDeathEvent || e instanceof VMDisconnectEvent;
                    start |= e instanceof VMStartEvent;
                }
                if (exit) {
                    ended.run();
                    if (set.stream().anyMatch(e -> e instanceof VMDisconnectEvent)) {
                        return;
                    }
                    continue;
                }
                Predicate<EventSet> l = listener;
                boolean kept = false;
                if (!start && l != null) {
                    try {
                        kept = l.test(set);
                    } catch (VMDisconnectedException e) {
                        throw e;
                    } catch (RuntimeException e) {
                        java.util.logging.Logger.getLogger(JdiEvents.class.getName())
                                .log(java.util.logging.Level.WARNING, "the debugger failed on a JDI event", e);
                    }
                }
                if (!kept) {
                    set.resume();
                }
            }
        } catch (InterruptedException | VMDisconnectedException e) {
            ended.run();
        }
    }
}
