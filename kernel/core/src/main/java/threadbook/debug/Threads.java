package threadbook.debug;

import com.sun.jdi.ObjectReference;
import com.sun.jdi.ThreadGroupReference;
import com.sun.jdi.ThreadReference;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The agent JVM's threads as the debugger shows them: the notebook's (the cell thread, what cells
 * started), not the JVM's or the agent's own; small stable ids (the cell thread is 1, as ipykernel's main
 * thread is); their states and locks in words, locks named by the notebook variable that holds them.
 */
final class Threads {
    private final Map<Long, Integer> ids = new HashMap<>();
    private final Map<Integer, ThreadReference> byId = new HashMap<>();
    private int next = 2;

    synchronized int id(ThreadReference t) {
        Integer id = ids.get(t.uniqueID());
        if (id == null) {
            id = isCellThread(t) && !byId.containsKey(1) ? 1 : next++;
            ids.put(t.uniqueID(), id);
            byId.put(id, t);
        }
        return id;
    }

    synchronized ThreadReference byId(int id) {
        return byId.get(id);
    }

    synchronized void clear() {
        ids.clear();
        byId.clear();
        next = 2;
    }

    private static boolean isCellThread(ThreadReference t) {
        try {
            return "main".equals(t.name());
        } catch (RuntimeException e) {
            return false;
        }
    }

    /** The notebook's threads, the cell thread first. */
    static List<ThreadReference> user(com.sun.jdi.VirtualMachine vm) {
        List<ThreadReference> list = new ArrayList<>();
        for (ThreadReference t : vm.allThreads()) {
            try {
                if (isUser(t)) {
                    if (isCellThread(t)) {
                        list.add(0, t);
                    } else {
                        list.add(t);
                    }
                }
            } catch (RuntimeException e) {
                // ended meanwhile
            }
        }
        return list;
    }

    static boolean isUser(ThreadReference t) {
        String name = t.name();
        ThreadGroupReference group = t.threadGroup();
        if (group != null && "system".equals(group.name())) {
            return false;
        }
        return !(name.startsWith("threadbook-") || name.startsWith("process reaper") || name.startsWith("JDWP")
                || name.equals("DestroyJavaVM") || name.startsWith("Attach Listener") || name.equals("Common-Cleaner"));
    }

    static String state(ThreadReference t) {
        return switch (t.status()) {
            case ThreadReference.THREAD_STATUS_RUNNING -> t.isAtBreakpoint() ? "stopped at a breakpoint" : "running";
            case ThreadReference.THREAD_STATUS_SLEEPING -> "sleeping";
            case ThreadReference.THREAD_STATUS_WAIT -> "waiting";
            case ThreadReference.THREAD_STATUS_MONITOR -> "blocked (waiting to enter a synchronized block)";
            case ThreadReference.THREAD_STATUS_ZOMBIE -> "ended";
            case ThreadReference.THREAD_STATUS_NOT_STARTED -> "not started";
            default -> "unknown";
        };
    }

    /** What a thread holds and waits for; the thread must be suspended. */
    record Locks(List<ObjectReference> owned, ObjectReference waitsFor, ThreadReference waitsForOwner) {}

    static Locks locks(ThreadReference t) {
        try {
            ObjectReference waits = t.currentContendedMonitor();
            return new Locks(t.ownedMonitors(), waits, waits == null ? null : waits.owningThread());
        } catch (Exception e) {
            return new Locks(List.of(), null, null);
        }
    }

    /**
     * The deadlock among the notebook's threads, in words ("Thread-0 holds lockA and waits for lockB,
     * which Thread-1 holds; Thread-1 holds lockB and waits for lockA, which Thread-0 holds"); null if none.
     * The threads must be suspended.
     */
    /** A deadlock: the words, and the threads of its cycle. */
    record Deadlock(String text, List<ThreadReference> cycle) {}

    static Deadlock deadlock(List<ThreadReference> threads, Map<Long, String> names) {
        Map<ThreadReference, Locks> locks = new LinkedHashMap<>();
        for (ThreadReference t : threads) {
            locks.put(t, locks(t));
        }
        for (ThreadReference start : locks.keySet()) {
            List<ThreadReference> path = new ArrayList<>();
            ThreadReference t = start;
            while (t != null && !path.contains(t)) {
                path.add(t);
                Locks l = locks.get(t);
                t = l == null ? null : l.waitsForOwner();
            }
            if (t == null) {
                continue;
            }
            List<ThreadReference> cycle = path.subList(path.indexOf(t), path.size());
            StringBuilder b = new StringBuilder("Deadlock: ");
            for (int i = 0; i < cycle.size(); i++) {
                ThreadReference one = cycle.get(i);
                Locks l = locks.get(one);
                List<String> held = new ArrayList<>();
                for (ObjectReference o : l.owned()) {
                    held.add(name(o, names));
                }
                if (i > 0) {
                    b.append("; ");
                }
                b.append(one.name()).append(" holds ").append(held.isEmpty() ? "nothing" : String.join(", ", held))
                        .append(" and waits for ").append(name(l.waitsFor(), names))
                        .append(", which ").append(l.waitsForOwner().name()).append(" holds");
            }
            b.append(cycle.size() == 2 ? ". Neither can go on: each waits for a lock the other holds."
                    : ". None of them can go on: each waits for a lock the next one holds.");
            return new Deadlock(b.toString(), List.copyOf(cycle));
        }
        return null;
    }

    /** A lock by the notebook variable that holds it ("lockA"), else by its class and id. */
    static String name(ObjectReference o, Map<Long, String> names) {
        if (o == null) {
            return "nothing";
        }
        String n = names.get(o.uniqueID());
        if (n != null) {
            return n;
        }
        String type = o.referenceType().name();
        return "a " + type.substring(type.lastIndexOf('.') + 1) + " (#" + o.uniqueID() + ")";
    }
}
