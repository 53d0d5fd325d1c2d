package threadbook.agent;

import java.util.ArrayList;
import java.util.List;

/** The threads user code started, for listing them by name and stopping them. */
final class UserThreads {
    private UserThreads() {}

    /** One line per live user thread: name, state, and the cell that started it. */
    static String[] describe() {
        List<String> lines = new ArrayList<>();
        for (Thread t : userThreads()) {
            lines.add(t.getName() + " (" + t.getState().name().toLowerCase() + ")");
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
                    || name.startsWith("threadbook-") || name.equals("main")
                    || name.startsWith("JDWP") || name.equals("DestroyJavaVM")
                    || name.startsWith("process reaper") || name.startsWith("Common-Cleaner")
                    || name.startsWith("Notification Thread") || name.startsWith("Attach Listener");
            if (!system) {
                result.add(t);
            }
        }
        return result;
    }
}
