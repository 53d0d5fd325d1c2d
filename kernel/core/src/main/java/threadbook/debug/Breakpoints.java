package threadbook.debug;

import com.sun.jdi.AbsentInformationException;
import com.sun.jdi.Location;
import com.sun.jdi.Method;
import com.sun.jdi.ReferenceType;
import com.sun.jdi.VirtualMachine;
import com.sun.jdi.request.BreakpointRequest;
import com.sun.jdi.request.ClassPrepareRequest;
import com.sun.jdi.request.EventRequest;
import com.sun.jdi.request.EventRequestManager;
import com.sun.jdi.request.ExceptionRequest;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Supplier;

/**
 * The breakpoints the user set, by cell, and the JDI requests that make them stop: in a cell's wrapper
 * class and the classes, lambdas and anonymous classes in it, as they load. Also the request for
 * uncaught exceptions. Used under the debugger's lock.
 */
final class Breakpoints {
    private final Supplier<VirtualMachine> vm;
    private final CellSources cells;
    private final Map<String, List<Integer>> lines = new LinkedHashMap<>();
    private final Map<String, List<BreakpointRequest>> requests = new HashMap<>();
    /** cell path | class | class loader: where the cell's lines are set already. */
    private final Set<String> applied = new HashSet<>();
    private ClassPrepareRequest prepare;
    private ExceptionRequest exceptions;

    Breakpoints(Supplier<VirtualMachine> vm, CellSources cells) {
        this.vm = vm;
        this.cells = cells;
    }

    boolean isEmpty() {
        return lines.isEmpty();
    }

    boolean inCell(String path) {
        return lines.containsKey(path);
    }

    void forEach(BiConsumer<String, List<Integer>> each) {
        lines.forEach(each);
    }

    /** A new Java process: no request of the old one exists in it. */
    void sessionStarted() {
        requests.clear();
        applied.clear();
        prepare = null;
        exceptions = null;
    }

    /** The cell's breakpoints are now {@code cellLines} (none removes them). */
    void set(String path, List<Integer> cellLines) {
        VirtualMachine v = vm.get();
        List<BreakpointRequest> old = requests.remove(path);
        if (old != null && v != null) {
            v.eventRequestManager().deleteEventRequests(old);
        }
        applied.removeIf(key -> key.startsWith(path + "|"));
        if (cellLines.isEmpty()) {
            lines.remove(path);
        } else {
            lines.put(path, List.copyOf(cellLines));
            ensurePrepareRequest();
            for (CellSources.Snippet s : cells.snippets(path)) {
                applyToLoaded(s);
            }
        }
    }

    /**
     * Stop on exceptions no notebook code catches, wherever they are thrown: in the notebook's code or in
     * a JDK method it calls (Integer.parseInt in a thread the cell started). "Caught" too: JShell's own
     * machinery catches what a cell throws; the event handler keeps only exceptions that no notebook code
     * catches. Only the machinery's own throws are filtered out here (reflection wrapping the cell's
     * exception would stop the thread a second time).
     */
    void setExceptions(boolean on, List<String> excluded) {
        VirtualMachine v = vm.get();
        if (exceptions != null && v != null) {
            v.eventRequestManager().deleteEventRequest(exceptions);
            exceptions = null;
        }
        if (on && v != null) {
            exceptions = v.eventRequestManager().createExceptionRequest(null, true, true);
            for (String ex : excluded) {
                exceptions.addClassExclusionFilter(ex);
            }
            exceptions.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
            exceptions.enable();
        }
    }

    /** Breakpoints rest (false) while an interrupted cell ends, and are back (true) for the next. */
    void enable(boolean on) {
        for (List<BreakpointRequest> list : requests.values()) {
            list.forEach(r -> r.setEnabled(on));
        }
    }

    /** The debugger is turned off: every request goes, and the breakpoints are forgotten. */
    void deleteAll() {
        VirtualMachine v = vm.get();
        if (v != null) {
            EventRequestManager erm = v.eventRequestManager();
            requests.values().forEach(erm::deleteEventRequests);
            if (prepare != null) {
                erm.deleteEventRequest(prepare);
            }
            if (exceptions != null) {
                erm.deleteEventRequest(exceptions);
            }
        }
        requests.clear();
        applied.clear();
        prepare = null;
        exceptions = null;
        lines.clear();
    }

    /** Breakpoints reach classes as they load: a wrapper class, or a class, lambda or anonymous class in it. */
    void ensurePrepareRequest() {
        VirtualMachine v = vm.get();
        if (prepare != null || v == null) {
            return;
        }
        prepare = v.eventRequestManager().createClassPrepareRequest();
        prepare.addClassFilter("REPL.*");
        prepare.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
        prepare.enable();
    }

    /** A class of the notebook loaded: the breakpoints of its cell are set in it. */
    void prepared(ReferenceType type) {
        CellSources.Snippet s = cells.snippetOf(type.name());
        if (s != null && lines.containsKey(s.path())) {
            apply(type, s);
        }
    }

    /** Sets the breakpoints of a snippet's cell in its wrapper class and the classes in it loaded so far. */
    void applyToLoaded(CellSources.Snippet s) {
        VirtualMachine v = vm.get();
        if (v == null) {
            return;
        }
        for (ReferenceType type : v.classesByName(s.className())) {
            if (!type.isPrepared()) {
                continue; // its ClassPrepareEvent comes
            }
            apply(type, s);
            for (ReferenceType nested : type.nestedTypes()) {
                if (nested.isPrepared()) {
                    apply(nested, s);
                }
            }
        }
    }

    private void apply(ReferenceType type, CellSources.Snippet s) {
        List<Integer> cellLines = lines.get(s.path());
        if (cellLines == null || !applied.add(s.path() + "|" + type.name() + "|" + type.classLoader())) {
            return;
        }
        EventRequestManager erm = type.virtualMachine().eventRequestManager();
        for (int line : cellLines) {
            // One breakpoint per method, at the line's first code in it (a line may have several code ranges
            // in one method, and JShell may put parts of it on several wrapper lines).
            Map<Method, Location> first = new LinkedHashMap<>();
            for (int wrappedLine : CellSources.wrappedLines(s, line)) {
                List<Location> locations = locationsOfLine(type, wrappedLine);
                if (locations.isEmpty() && CellSources.isInitializerTarget(s, wrappedLine - 1)) {
                    // An initializer without a call ({@code int x = 5;}, {@code var s = "a" + b;}) has no code
                    // of its own line: javac puts it on JShell's line before it, {@code int x_ =}.
                    locations = locationsOfLine(type, wrappedLine - 1);
                }
                for (Location l : locations) {
                    first.merge(l.method(), l, (a, b) -> a.codeIndex() <= b.codeIndex() ? a : b);
                }
            }
            for (Location l : first.values()) {
                BreakpointRequest r = erm.createBreakpointRequest(l);
                r.setSuspendPolicy(EventRequest.SUSPEND_EVENT_THREAD);
                r.putProperty("line", line);
                r.enable();
                requests.computeIfAbsent(s.path(), p -> new ArrayList<>()).add(r);
            }
        }
    }

    private static List<Location> locationsOfLine(ReferenceType type, int wrappedLine) {
        try {
            return wrappedLine < 1 ? List.of() : type.locationsOfLine(wrappedLine);
        } catch (AbsentInformationException | com.sun.jdi.ClassNotPreparedException e) {
            return List.of();
        }
    }
}
