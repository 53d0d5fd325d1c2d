package threadbook.agent;

import java.util.ArrayList;
import java.util.List;

/** The threads user code started, for listing them by name and stopping them. */
final class UserThreads {
    private UserThreads() {}

    /** What one round of {@link #interruptAll} did: the names it interrupted, and who outlived the wait. */
    record Stopped(String[] names, Thread[] survivors) {}

    /** One line per live user thread: name, state, and the cell during which it started. */
    static String[] describe() {
        return describe(Integer.MAX_VALUE);
    }

    /** As {@link #describe()}, the first {@code limit} threads only, then a line saying how many more. */
    static String[] describe(int limit) {
        List<Thread> threads = userThreads();
        List<String> lines = new ArrayList<>();
        for (Thread t : threads.subList(0, Math.min(limit, threads.size()))) {
            lines.add(String.format("%-24s %-14s started in cell %s", t.getName(),
                    t.getState().name().toLowerCase(), CellThreads.startedIn(t)));
        }
        if (threads.size() > limit) {
            lines.add("and " + (threads.size() - limit) + " more threads");
        }
        return lines.toArray(new String[0]);
    }

    /** Interrupts every user thread; returns how many there were. */
    static Integer stopAll() {
        List<Thread> threads = userThreads();
        threads.forEach(Thread::interrupt);
        return threads.size();
    }

    /**
     * Interrupts every user thread, then waits up to {@code waitMillis} for them to end. Those still alive
     * (they ignore interrupts) are left for the kernel to stop through JDI.
     */
    static Stopped interruptAll(long waitMillis) {
        return interruptAll(waitMillis, userThreads());
    }

    /** As {@link #interruptAll(long)}, only the threads started in cell {@code cell}. */
    static Stopped interruptCell(long waitMillis, long cell) {
        String label = CellThreads.label(cell);
        List<Thread> threads = userThreads();
        threads.removeIf(t -> !CellThreads.startedIn(t).equals(label));
        return interruptAll(waitMillis, threads);
    }

    private static Stopped interruptAll(long waitMillis, List<Thread> threads) {
        threads.forEach(Thread::interrupt);
        // Thousands of interrupted threads take a while to wake and end on two cores; each one still alive at
        // the deadline costs the kernel a JDI round trip (for 12,000 threads, 29 s of them), so the wait grows with
        // their number (12,000: 3 s). It ends as soon as they have all ended.
        long wait = Math.max(waitMillis, threads.size() / 4);
        long deadline = System.nanoTime() + wait * 1_000_000;
        List<Thread> alive = new ArrayList<>();
        for (Thread t : threads) {
            long left = (deadline - System.nanoTime()) / 1_000_000;
            try {
                if (left > 0) {
                    t.join(left);
                }
            } catch (InterruptedException e) {
                // the kernel asked again: this round ends now, the next one follows
            }
            if (t.isAlive()) {
                alive.add(t);
            }
        }
        return new Stopped(threads.stream().map(Thread::getName).toArray(String[]::new), alive.toArray(new Thread[0]));
    }

    /**
     * Every live platform thread of this JVM. Thread.getAllStackTraces would also give them, but it walks
     * every stack: with thousands of threads, each cell's end would wait for that.
     */
    static List<Thread> all() {
        ThreadGroup root = Thread.currentThread().getThreadGroup();
        while (root.getParent() != null) {
            root = root.getParent();
        }
        Thread[] threads = new Thread[root.activeCount() + 64];
        int n;
        while ((n = root.enumerate(threads, true)) == threads.length) {
            threads = new Thread[threads.length * 2];
        }
        return java.util.Arrays.asList(threads).subList(0, n);
    }

    static List<Thread> userThreads() {
        Thread self = Thread.currentThread();
        List<Thread> result = new ArrayList<>();
        for (Thread t : all()) {
            if (t == self || !t.isAlive()) {
                continue;
            }
            String name = t.getName();
            ThreadGroup group = t.getThreadGroup();
            boolean system = group == null || "system".equals(group.getName())
                    || CellThreads.SYSTEM.equals(CellThreads.startedIn(t))
                    || name.startsWith("threadbook-") || name.startsWith("process reaper")
                    || name.startsWith("Attach Listener") || name.equals("DestroyJavaVM")
                    || name.startsWith("JFR "); // the JDK's, for %%timeline's recording (started during a cell)
            if (!system) {
                result.add(t);
            }
        }
        return result;
    }
}
