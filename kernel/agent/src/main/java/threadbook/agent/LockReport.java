package threadbook.agent;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which of the notebook's threads are stuck, and on what: deadlocks (a cycle of threads each waiting for
 * a lock the next one holds, with {@code synchronized} or any {@code java.util.concurrent} lock) and the
 * stacks of the threads a hung test left behind. The kernel turns these into sentences, with cell
 * lines for the frames (only it knows which snippet came from which cell).
 *
 * <p>A deadlock is read by the kernel through JDI as one string ({@link #latest}). Its encoding, one item per line: a thread line {@code thread\tNAME\tSTATE\tWAITS_FOR\tOWNER}, followed by
 * its frames {@code \tCLASS\tMETHOD\tFILE\tLINE}. Lock objects are named after the notebook variables that
 * hold them, when one does ({@code lockA}, or {@code account.lock} one field deep).
 */
public final class LockReport {
    private LockReport() {}

    /** Finds a class JShell loaded, by name (the agent's own lookup; null if there is none). */
    public interface ClassFinder {
        Class<?> find(String name);
    }

    private static volatile ClassFinder classes = name -> null;
    /** The deadlock the watcher saw last, for the kernel to read (through JDI) while a cell is stuck. */
    public static volatile String latest = "";

    /**
     * Looks for deadlocks twice a second, so that an interrupt can name one: while a cell runs, the agent's
     * command channel is busy, and the kernel reads {@link #latest} through JDI instead.
     */
    public static void watch(ClassFinder finder) {
        classes = finder;
        Thread watcher = new Thread(LockReport::watchLoop, "threadbook-deadlock-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static void watchLoop() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] described = null;
        while (true) {
            try {
                Thread.sleep(500);
                // Finding no deadlock is cheap; describing one (reflection over the notebook's variables) is
                // done once per new set of deadlocked threads: they stay deadlocked for the session's life.
                long[] ids = mx.findDeadlockedThreads();
                if (ids != null) {
                    java.util.Arrays.sort(ids);
                }
                if (!java.util.Arrays.equals(ids, described)) {
                    latest = ids == null ? "" : deadlocks();
                    described = ids;
                }
            } catch (InterruptedException e) {
                return;
            } catch (RuntimeException | LinkageError e) {
                latest = "";
                described = null;
            }
        }
    }

    /** The threads in (or waiting on) a deadlock, encoded as above; "" when there is none. */
    public static String deadlocks() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = mx.findDeadlockedThreads();
        if (ids == null) {
            return "";
        }
        ThreadInfo[] infos = mx.getThreadInfo(ids, true, true);
        Map<Long, Thread> threads = new HashMap<>();
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            threads.put(t.getId(), t);
        }
        Names names = new Names();
        StringBuilder out = new StringBuilder();
        for (ThreadInfo info : infos) {
            if (info == null) {
                continue;
            }
            String lock = names.of(info.getLockInfo(), threads.get(info.getThreadId()));
            out.append("thread\t").append(info.getThreadName()).append('\t').append(info.getThreadState()).append('\t')
                    .append(lock).append('\t').append(info.getLockOwnerName() == null ? "" : info.getLockOwnerName()).append('\n');
            frames(out, info.getStackTrace());
        }
        return out.toString();
    }

    /**
     * The notebook's threads (those with a frame in a cell's code) other than the caller, blocked or
     * waiting or running: what a hung test leaves behind.
     */
    static List<threadbook.agent.link.StuckThread> stuckThreads() {
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        Thread self = Thread.currentThread();
        Names names = new Names();
        List<threadbook.agent.link.StuckThread> stuck = new ArrayList<>();
        for (Map.Entry<Thread, StackTraceElement[]> e : Thread.getAllStackTraces().entrySet()) {
            Thread t = e.getKey();
            if (t == self || !inNotebookCode(e.getValue())) {
                continue;
            }
            ThreadInfo info = mx.getThreadInfo(t.getId());
            String lock = info == null ? "" : names.of(info.getLockInfo(), t);
            String owner = info == null || info.getLockOwnerName() == null ? "" : info.getLockOwnerName();
            stuck.add(new threadbook.agent.link.StuckThread(t.getName(), t.getState().name(), lock, owner, notebookFrames(e.getValue())));
        }
        return stuck;
    }

    private static boolean inNotebookCode(StackTraceElement[] stack) {
        for (StackTraceElement f : stack) {
            if (f.getClassName().startsWith("REPL.") && !f.getMethodName().equals("do_it$")) {
                return true;
            }
        }
        return false;
    }

    private static void frames(StringBuilder out, StackTraceElement[] stack) {
        for (StackTraceElement f : notebookFrames(stack)) {
            out.append('\t').append(f.getClassName()).append('\t').append(f.getMethodName()).append('\t')
                    .append(f.getFileName()).append('\t').append(f.getLineNumber()).append('\n');
        }
    }

    /** The top of a stack, down to the machinery that runs cells, 40 frames at most. */
    private static List<StackTraceElement> notebookFrames(StackTraceElement[] stack) {
        List<StackTraceElement> frames = new ArrayList<>();
        for (StackTraceElement f : stack) {
            if (f.getClassName().startsWith("threadbook.agent.") || f.getClassName().startsWith("jdk.jshell.")
                    || frames.size() == 40) {
                break; // below this is the machinery that runs cells
            }
            frames.add(new StackTraceElement(f.getClassName(), f.getMethodName(), f.getFileName(), f.getLineNumber()));
        }
        return frames;
    }

    /** Names lock objects after the notebook's variables that hold them. */
    static final class Names {
        private Map<Object, String> variables;

        String of(LockInfo lock, Thread waiter) {
            if (lock == null) {
                return "";
            }
            Map<Object, String> vars = variables();
            // A java.util.concurrent lock is waited for through its inner synchronizer, which no variable
            // holds: ask each lock variable whether this thread is queued on it.
            if (waiter != null) {
                for (Map.Entry<Object, String> v : vars.entrySet()) {
                    if (queuedOn(v.getKey(), waiter)) {
                        return v.getValue();
                    }
                }
            }
            for (Map.Entry<Object, String> v : vars.entrySet()) {
                if (System.identityHashCode(v.getKey()) == lock.getIdentityHashCode()
                        && v.getKey().getClass().getName().equals(lock.getClassName())) {
                    return v.getValue();
                }
            }
            String type = simpleName(lock.getClassName());
            return ("AEIOU".indexOf(type.charAt(0)) >= 0 ? "an " : "a ") + type + " (@" + Integer.toHexString(lock.getIdentityHashCode()) + ")";
        }

        private static boolean queuedOn(Object candidate, Thread waiter) {
            if (candidate instanceof java.util.concurrent.locks.ReentrantLock lock) {
                return lock.hasQueuedThread(waiter);
            }
            if (candidate instanceof java.util.concurrent.locks.ReentrantReadWriteLock lock) {
                return lock.hasQueuedThread(waiter);
            }
            return false;
        }

        /** The notebook's variables (static fields of JShell's wrapper classes) and one field deep into them. */
        private Map<Object, String> variables() {
            if (variables != null) {
                return variables;
            }
            variables = new IdentityHashMap<>();
            List<String> wrappers = new ArrayList<>(threadbook.workers.SnippetClasses.names());
            for (String name : wrappers) {
                if (name.indexOf('$', name.indexOf("$JShell$") + 8) >= 0) {
                    continue; // a class the notebook declared, or a lambda: variables live in the wrappers
                }
                Class<?> wrapper = classes.find(name);
                if (wrapper == null) {
                    continue;
                }
                for (Field f : wrapper.getDeclaredFields()) {
                    if (!Modifier.isStatic(f.getModifiers()) || f.isSynthetic() || f.getType().isPrimitive()) {
                        continue;
                    }
                    Object value = read(f, null);
                    if (value == null) {
                        continue;
                    }
                    variables.put(value, f.getName());
                    if (value.getClass().getName().startsWith("REPL.")) {
                        for (Field inner : value.getClass().getDeclaredFields()) {
                            if (Modifier.isStatic(inner.getModifiers()) || inner.getType().isPrimitive()) {
                                continue;
                            }
                            Object held = read(inner, value);
                            if (held != null) {
                                variables.putIfAbsent(held, f.getName() + "." + inner.getName());
                            }
                        }
                    }
                }
            }
            return variables;
        }

        private static Object read(Field f, Object owner) {
            try {
                f.setAccessible(true);
                return f.get(owner);
            } catch (ReflectiveOperationException | RuntimeException | LinkageError e) {
                return null;
            }
        }

        private static String simpleName(String className) {
            String s = className.substring(className.lastIndexOf('.') + 1);
            return s.substring(s.lastIndexOf('$') + 1);
        }
    }
}
