package threadbook.agent;

import java.lang.management.LockInfo;
import java.lang.management.ManagementFactory;
import java.lang.management.MonitorInfo;
import java.lang.management.ThreadInfo;
import java.lang.management.ThreadMXBean;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The states of the notebook's threads, with the locks each holds and the one it waits for (and who
 * holds that): what the live threads view shows. Internal: notebooks use threadbook.api.widgets.ThreadsView.
 *
 * <p>Looking is split in two so that a view polling several times a second costs little while nothing
 * changes: {@link #look()} asks the JVM (one safepoint for all threads) and returns a key of what it saw;
 * only when the key differs from the last does {@link Snapshot#html()} name the locks after the notebook's
 * variables (reflection over every variable).
 */
public final class ThreadStates {
    private static final int SHOWN = 40;

    private ThreadStates() {}

    /** What one look saw; equal keys mean nothing a student could see changed. */
    public record Snapshot(String key, List<ThreadInfo> infos, Map<Long, Thread> threads, boolean deadlock, int more) {
        /** An HTML table: one row a thread (name, state, locks held, lock waited for and its owner, cell). */
        public String html() {
            if (infos.isEmpty()) {
                return "<p><b>Threads</b>: no thread started by your cells is running.</p>";
            }
            LockReport.Names names = new LockReport.Names();
            StringBuilder h = new StringBuilder("<table><thead><tr>");
            for (String title : List.of("thread", "state", "holds", "waits for", "held by", "started in")) {
                h.append("<th style=\"" + CELL + "\">").append(title).append("</th>");
            }
            h.append("</tr></thead><tbody>");
            for (ThreadInfo info : infos) {
                Thread t = threads.get(info.getThreadId());
                java.util.Set<String> held = new java.util.LinkedHashSet<>(); // a lock taken again, deeper, is one lock
                for (MonitorInfo m : info.getLockedMonitors()) {
                    held.add(names.of(m, null));
                }
                for (LockInfo l : info.getLockedSynchronizers()) {
                    held.add(names.of(l, null));
                }
                String owner = info.getLockOwnerName() == null ? "" : info.getLockOwnerName();
                h.append("<tr>").append(cell(info.getThreadName()))
                        .append("<td style=\"" + CELL + "color:").append(colour(info.getThreadState())).append("\"><b>")
                        .append(info.getThreadState()).append("</b></td>").append(cell(String.join(", ", held)))
                        .append(cell(names.of(info.getLockInfo(), t))).append(cell(owner))
                        .append(cell(t == null ? "?" : CellThreads.startedIn(t))).append("</tr>");
            }
            h.append("</tbody></table>");
            if (more > 0) {
                h.append("<p>and ").append(more).append(" more threads (%threads lists them all)</p>");
            }
            if (deadlock) {
                h.append("<p style=\"color:#c00\"><b>Deadlock</b>: these threads wait for each other's locks;"
                        + " none can go on (%threads names the cycle).</p>");
            }
            return h.toString();
        }
    }

    /**
     * Runs {@code body} as part of the cell running now (the last one if none runs), as ipykernel parents
     * what a background thread sends to the request it is handling: a client that follows only the running
     * cell's messages (nbclient, papermill) then records the view's updates, and a notebook they saved
     * shows its last state.
     */
    public static void asRunningCell(Runnable body) {
        CellThreads.runIn(CellThreads.runningOrLast(), body);
    }

    /** The notebook's live threads, as the JVM sees them now. */
    public static Snapshot look() {
        List<Thread> all = UserThreads.userThreads();
        if (all.isEmpty()) {
            return new Snapshot("", List.of(), Map.of(), false, 0);
        }
        // A table a person can read, and a look that stays cheap with thousands of threads (05's 10,000).
        List<Thread> user = all.subList(0, Math.min(SHOWN, all.size()));
        ThreadMXBean mx = ManagementFactory.getThreadMXBean();
        long[] ids = new long[user.size()];
        Map<Long, Thread> threads = new HashMap<>();
        for (int i = 0; i < ids.length; i++) {
            ids[i] = user.get(i).getId();
            threads.put(ids[i], user.get(i));
        }
        boolean monitors = mx.isObjectMonitorUsageSupported();
        ThreadInfo[] found = mx.getThreadInfo(ids, monitors, false);
        // The locks of java.util.concurrent a thread holds are found by walking the heap: asked for only
        // while a thread waits for one (with synchronized only, a look costs a stack walk of each thread).
        if (mx.isSynchronizerUsageSupported() && waitsForASynchronizer(found)) {
            found = mx.getThreadInfo(ids, monitors, true);
        }
        List<ThreadInfo> infos = new ArrayList<>();
        Map<Long, Long> waitsForOwner = new HashMap<>();
        StringBuilder key = new StringBuilder();
        for (ThreadInfo info : found) {
            if (info == null) {
                continue; // ended meanwhile
            }
            infos.add(info);
            if (info.getLockOwnerId() != -1) {
                waitsForOwner.put(info.getThreadId(), info.getLockOwnerId());
            }
            key.append(info.getThreadId()).append(info.getThreadName()).append(info.getThreadState());
            for (MonitorInfo m : info.getLockedMonitors()) {
                key.append('+').append(m.getIdentityHashCode());
            }
            for (LockInfo l : info.getLockedSynchronizers()) {
                key.append('+').append(l.getIdentityHashCode());
            }
            LockInfo waits = info.getLockInfo();
            key.append('>').append(waits == null ? 0 : waits.getIdentityHashCode()).append(info.getLockOwnerId()).append(';');
        }
        boolean deadlock = hasCycle(waitsForOwner);
        int more = all.size() - user.size();
        return new Snapshot(key.append(deadlock).append(more).toString(), infos, threads, deadlock, more);
    }

    private static boolean waitsForASynchronizer(ThreadInfo[] infos) {
        for (ThreadInfo info : infos) {
            if (info != null && info.getLockInfo() != null && info.getLockInfo().getClassName().startsWith("java.util.concurrent.")) {
                return true;
            }
        }
        return false;
    }

    /** Whether following "waits for a lock held by" from some thread comes back to it (the JVM's own search stops the world). */
    private static boolean hasCycle(Map<Long, Long> waitsForOwner) {
        for (Long start : waitsForOwner.keySet()) {
            Long at = waitsForOwner.get(start);
            for (int steps = 0; at != null && steps <= waitsForOwner.size(); steps++) {
                if (at.equals(start)) {
                    return true;
                }
                at = waitsForOwner.get(at);
            }
        }
        return false;
    }

    private static final String CELL = "padding:1px 12px 1px 0;text-align:left;";

    private static String cell(String text) {
        return "<td style=\"" + CELL + "\">" + escape(text) + "</td>";
    }

    private static String colour(Thread.State state) {
        return switch (state) {
            case RUNNABLE -> "#080";
            case BLOCKED -> "#c00";
            case WAITING, TIMED_WAITING -> "#b60";
            default -> "#666";
        };
    }

    private static String escape(String s) {
        return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
