package threadbook.debug;

import com.sun.jdi.Location;
import com.sun.jdi.ThreadReference;
import com.sun.jdi.event.BreakpointEvent;
import com.sun.jdi.event.ClassPrepareEvent;
import com.sun.jdi.event.Event;
import com.sun.jdi.event.EventSet;
import com.sun.jdi.event.ExceptionEvent;
import com.sun.jdi.event.StepEvent;
import com.sun.jdi.request.StepRequest;
import java.util.function.BooleanSupplier;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;

/**
 * What the agent JVM tells the debugger: JShell's new snippets (their breakpoints are set as they load)
 * and the JDI events (breakpoints hit, steps ended, exceptions, threads begun and ended), on JDI's event
 * thread. Each takes the debugger's lock.
 */
final class JdiEventHandler {
    private final Object lock;
    private final BooleanSupplier started;
    private final CellSources cells;
    private final Breakpoints breakpoints;
    private final SuspendedThreads stopped;
    private final ThreadEvents threadEvents;
    private final PanelCalls calls;

    JdiEventHandler(Object lock, BooleanSupplier started, CellSources cells, Breakpoints breakpoints, SuspendedThreads stopped,
            ThreadEvents threadEvents, PanelCalls calls) {
        this.lock = lock;
        this.started = started;
        this.cells = cells;
        this.breakpoints = breakpoints;
        this.stopped = stopped;
        this.threadEvents = threadEvents;
        this.calls = calls;
    }

    void snippetDefined(String className, SnippetWrapper wrapper, int firstLine) {
        CellSources.Snippet s = cells.define(className, wrapper, firstLine);
        if (s == null) {
            return;
        }
        synchronized (lock) {
            if (started.getAsBoolean() && breakpoints.inCell(s.path())) {
                breakpoints.applyToLoaded(s);
            }
        }
    }

    /** On the JDI event thread: true keeps the event's thread suspended (stopped in the debugger). */
    boolean event(EventSet set) {
        for (Event e : set) {
            if (e instanceof com.sun.jdi.event.LocatableEvent l && calls.runsIn(l.thread())
                    || e instanceof ClassPrepareEvent p && calls.runsIn(p.thread())) {
                return false; // the panel's toString runs in it, and the panel holds the lock: let it finish
            }
        }
        synchronized (lock) {
            boolean keep = false;
            for (Event e : set) {
                if (e instanceof com.sun.jdi.event.ThreadStartEvent begun && started.getAsBoolean()) {
                    threadEvents.event(begun.thread(), "started");
                } else if (e instanceof com.sun.jdi.event.ThreadDeathEvent ended && started.getAsBoolean()) {
                    threadEvents.event(ended.thread(), "exited");
                } else if (e instanceof ClassPrepareEvent prepared) {
                    breakpoints.prepared(prepared.referenceType());
                } else if (e instanceof BreakpointEvent hit && started.getAsBoolean()) {
                    keep |= stopped.stop(hit.thread(), "breakpoint", null);
                } else if (e instanceof StepEvent step) {
                    StepRequest done = (StepRequest) step.request();
                    set.virtualMachine().eventRequestManager().deleteEventRequest(done);
                    if (cells.place(step.location().declaringType().name(), step.location().lineNumber()) == null) {
                        Stepping.onward(step.thread());
                        continue;
                    }
                    if (Stepping.sameLine(done, step.location(), frameCount(step.thread()),
                            l -> cells.place(l.declaringType().name(), l.lineNumber()))) {
                        Stepping.again(step.thread(), done);
                        continue;
                    }
                    keep |= started.getAsBoolean() && stopped.stop(step.thread(), "step", null);
                } else if (e instanceof ExceptionEvent thrown && started.getAsBoolean()) {
                    Location c = thrown.catchLocation();
                    String catcher = c == null ? null : c.declaringType().name();
                    if (catcher == null || CallStack.MACHINERY.stream().anyMatch(catcher::startsWith)
                            && CallStack.passesNotebookCode(thrown.thread(), catcher)) {
                        keep |= stopped.stop(thrown.thread(), "exception", thrown.exception().referenceType().name());
                    }
                }
            }
            return keep;
        }
    }

    private static int frameCount(ThreadReference thread) {
        try {
            return thread.frameCount();
        } catch (com.sun.jdi.IncompatibleThreadStateException e) {
            return -1;
        }
    }
}
