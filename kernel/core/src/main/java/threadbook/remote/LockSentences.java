package threadbook.remote;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import threadbook.agent.link.StuckThread;

/**
 * Turns the agent's report of stuck threads (see threadbook.agent.LockReport for the encoding) into
 * plain words: "Thread-0 holds lockA and waits for lockB, which Thread-1 holds; ...: a deadlock", with
 * the cell line each thread is stuck on.
 */
public final class LockSentences {
    private LockSentences() {}

    /** The deadlock watcher's report (read through JDI as one string; see threadbook.agent.LockReport). */
    static List<StuckThread> parse(String encoded) {
        List<StuckThread> threads = new ArrayList<>();
        String name = null;
        String state = "";
        String waits = "";
        String owner = "";
        List<StackTraceElement> frames = new ArrayList<>();
        for (String line : encoded.split("\n")) {
            if (line.startsWith("thread\t")) {
                if (name != null) {
                    threads.add(new StuckThread(name, state, waits, owner, frames));
                }
                String[] f = line.split("\t", -1);
                name = f[1];
                state = f[2];
                waits = f[3];
                owner = f[4];
                frames.clear();
            } else if (line.startsWith("\t")) {
                String[] f = line.substring(1).split("\t", -1);
                String file = "null".equals(f[2]) ? null : f[2];
                frames.add(new StackTraceElement(f[0], f[1], file, Integer.parseInt(f[3])));
            }
        }
        if (name != null) {
            threads.add(new StuckThread(name, state, waits, owner, frames));
        }
        return threads;
    }

    /** The deadlock in words: the cycle first, then threads waiting on it, then where each is stuck. */
    public static String deadlock(String encoded, Function<StackTraceElement, String> where) {
        Map<String, StuckThread> byName = new LinkedHashMap<>();
        for (StuckThread s : parse(encoded)) {
            byName.put(s.name(), s);
        }
        if (byName.isEmpty()) {
            return null;
        }
        // Follow "waits for a lock held by" from a thread until a thread comes round again: that loop is the cycle.
        List<StuckThread> cycle = new ArrayList<>();
        for (StuckThread start : byName.values()) {
            List<String> path = new ArrayList<>();
            StuckThread s = start;
            while (s != null && !path.contains(s.name())) {
                path.add(s.name());
                s = byName.get(s.owner());
            }
            if (s != null) {
                for (String n : path.subList(path.indexOf(s.name()), path.size())) {
                    cycle.add(byName.get(n));
                }
                break;
            }
        }
        StringBuilder out = new StringBuilder();
        if (!cycle.isEmpty()) {
            List<String> parts = new ArrayList<>();
            for (int i = 0; i < cycle.size(); i++) {
                StuckThread t = cycle.get(i);
                StuckThread before = cycle.get((i + cycle.size() - 1) % cycle.size());
                parts.add(t.name() + " holds " + before.waitsFor() + " and waits for " + t.waitsFor() + ", which "
                        + t.owner() + " holds");
            }
            out.append(String.join("; ", parts)).append(": a deadlock. None of them can ever go on.\n");
        }
        for (StuckThread t : byName.values()) {
            if (!cycle.contains(t)) {
                out.append(t.name()).append(" waits for ").append(t.waitsFor()).append(", which ").append(t.owner())
                        .append(" holds: it waits forever too.\n");
            }
        }
        for (StuckThread t : byName.values()) {
            String at = firstCellLine(t.frames(), where);
            if (at != null) {
                out.append("  ").append(t.name()).append(" is stuck at ").append(at).append('\n');
            }
        }
        out.append("The usual fix: every thread takes the locks in the same order (or uses tryLock with a timeout"
                + " and lets go of what it holds).\n");
        return out.toString();
    }

    /** The threads a hung test left, each with its state and stack (cell lines for the notebook's frames). */
    public static String stacks(List<StuckThread> stuck, Function<StackTraceElement, String> where) {
        StringBuilder out = new StringBuilder();
        for (StuckThread t : stuck) {
            out.append("  thread ").append(t.name()).append(" (").append(t.state().toLowerCase());
            if (!t.waitsFor().isEmpty()) {
                out.append(", waiting for ").append(t.waitsFor());
                if (!t.owner().isEmpty()) {
                    out.append(", which ").append(t.owner()).append(" holds");
                }
            }
            out.append(")\n");
            int shown = 0;
            for (StackTraceElement f : t.frames()) {
                if (f.getClassName().contains("$$Lambda")) {
                    continue; // the lambda's generated class: its body is the frame above
                }
                String cell = where.apply(f);
                String method = f.getMethodName();
                out.append("      at ").append(cell == null ? f.getClassName() + "." + method
                        : ("do_it$".equals(method) || method.isEmpty() ? cell : method + "(" + cell + ")")).append('\n');
                if (++shown == 12) {
                    break;
                }
            }
        }
        return out.toString();
    }

    /** "cell [3], line 5 (in transfer)" for the top frame of the notebook's own code; null if none. */
    static String firstCellLine(List<StackTraceElement> frames, Function<StackTraceElement, String> where) {
        for (StackTraceElement f : frames) {
            String cell = where.apply(f);
            if (cell != null) {
                String method = f.getMethodName();
                boolean named = !method.isEmpty() && !"do_it$".equals(method) && !method.startsWith("lambda$");
                return cell + (named ? " (in " + method + ")" : "");
            }
        }
        return null;
    }

    /** The agent watcher's last deadlock, read through JDI (no need for the busy command channel). */
    public static String readLatest(AgentExecutionControl control) {
        try {
            for (com.sun.jdi.ReferenceType type : control.vm().classesByName("threadbook.agent.LockReport")) {
                com.sun.jdi.Field field = type.fieldByName("latest");
                if (field != null && type.getValue(field) instanceof com.sun.jdi.StringReference s) {
                    return s.value();
                }
            }
        } catch (Exception e) {
            // the Java process is gone or not ready: no report
        }
        return "";
    }
}
