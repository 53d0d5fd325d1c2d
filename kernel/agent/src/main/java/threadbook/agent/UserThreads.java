package threadbook.agent;

import java.util.ArrayList;
import java.util.List;

/** The threads user code started, for listing them by name and stopping them. */
final class UserThreads {
    private UserThreads() {}

    /** One line per live user thread: name, state, and the cell during which it started. */
    static String[] describe() {
        List<String> lines = new ArrayList<>();
        for (Thread t : userThreads()) {
            lines.add(String.format("%-24s %-14s started in cell %s", t.getName(),
                    t.getState().name().toLowerCase(), CellThreads.startedIn(t)));
        }
        return lines.toArray(new String[0]);
    }

    /** Interrupts every user thread; returns how many there were. */
    static Integer stopAll() {
        List<Thread> threads = userThreads();
        threads.forEach(Thread::interrupt);
        return threads.size();
    }

    private static List<Thread> userThreads() {
        Thread self = Thread.currentThread();
        List<Thread> result = new ArrayList<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t == self || !t.isAlive()) {
                continue;
            }
            String name = t.getName();
            ThreadGroup group = t.getThreadGroup();
            boolean system = group == null || "system".equals(group.getName())
                    || CellThreads.SYSTEM.equals(CellThreads.startedIn(t))
                    || name.startsWith("threadbook-") || name.startsWith("process reaper")
                    || name.startsWith("Attach Listener") || name.equals("DestroyJavaVM");
            if (!system) {
                result.add(t);
            }
        }
        return result;
    }
}
