package threadbook.magic;

import threadbook.agent.link.AgentException;
import threadbook.agent.link.Recording;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedThread;
import jdk.jfr.consumer.RecordingFile;
import threadbook.jshell.CellResult;

/**
 * %%timeline: runs the cell under JDK Flight Recorder and draws, under the cell, when each thread
 * (platform and virtual) it started was running, sleeping or waiting, or blocked on a lock, and when
 * each worker process ran a task: the picture that makes "both tasks ran almost together" obvious.
 * It comes from the JVM's own events (thread start and end, sleep, park, monitor wait and enter), not
 * from markers in the code.
 */
final class TimelineMagic implements Magic {
    private static final int MAX_ROWS = 40;

    @Override public boolean timesCode() { return true; }
    @Override public String name() { return "timeline"; }
    @Override public Form form() { return Form.CELL; }
    @Override public String summary() { return "run the cell and draw when each thread and worker process ran, waited or was blocked"; }
    @Override public String usage() { return "%%timeline\n...java that starts threads or worker processes..."; }

    /** One row of the chart: a thread or a worker, alive from start to end, with its non-running spans. */
    static final class Row {
        final String label;
        long start;
        long end;
        final List<long[]> spans = new ArrayList<>(); // {start, end, kind}
        final boolean worker;
        /** BLOCKED or WAITING when the thread was still so as the recording stopped, else null. */
        Thread.State atEnd;

        Row(String label, long start, long end, boolean worker) {
            this.label = label;
            this.start = start;
            this.end = end;
            this.worker = worker;
        }
    }

    static final int WAITING = 1;
    static final int BLOCKED = 2;

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException {
        if (!args.isEmpty()) {
            throw new MagicException("%%timeline takes no arguments");
        }
        context.agent().timelineStart();
        CellResult result = context.java(body);
        Recording recording;
        try {
            recording = context.agent().timelineStop();
        } catch (AgentException e) {
            // The cell ran; only its picture is missing (a full disk, a Java process that ended).
            context.print("(no timeline: " + e.getMessage() + ")\n");
            return result;
        }
        Path file = Path.of(recording.file());
        long from = recording.fromEpochNanos();
        long to = recording.toEpochNanos();
        try {
            List<Row> rows = rows(file, from, to, recording.workerTasks());
            Drawing chart = GanttChart.draw(rows, from, to);
            context.display(chart.bundle(text(rows, from, to)), chart.metadata());
        } catch (IOException e) {
            context.print("(the timeline could not be read: " + e.getMessage() + ")\n");
        } finally {
            try {
                Files.deleteIfExists(file);
            } catch (IOException ignored) {
                // a temporary file
            }
        }
        return result;
    }

    static List<Row> rows(Path file, long from, long to, List<String> workerTasks) throws IOException {
        Map<Long, Row> threads = new LinkedHashMap<>();
        Map<Long, Row> byJavaId = new LinkedHashMap<>();
        String endDump = null;
        List<RecordedEvent> events = RecordingFile.readAllEvents(file);
        events.sort((a, b) -> a.getStartTime().compareTo(b.getStartTime()));
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            long start = nanos(e.getStartTime());
            long end = nanos(e.getEndTime());
            if (type.equals("jdk.ThreadStart") || type.equals("jdk.VirtualThreadStart")) {
                RecordedThread t = e.getThread(type.equals("jdk.ThreadStart") ? "thread" : "eventThread");
                if (t != null && start >= from && isUserThread(t.getJavaName()) && !threads.containsKey(id(t))) {
                    Row row = new Row(name(t), start, to, false);
                    threads.put(id(t), row);
                    byJavaId.put(t.getJavaThreadId(), row);
                }
            } else if (type.equals("jdk.ThreadDump") && start >= from) {
                endDump = e.getString("result"); // the last one: taken as the recording stopped
            }
        }
        for (RecordedEvent e : events) {
            String type = e.getEventType().getName();
            String field = type.equals("jdk.ThreadEnd") ? "thread" : "eventThread";
            if (!e.hasField(field)) {
                continue; // the thread dump (a periodic event of no thread)
            }
            RecordedThread t = e.getThread(field);
            if (t == null) {
                continue;
            }
            Row row = threads.get(id(t));
            long start = Math.max(from, nanos(e.getStartTime()));
            long end = Math.min(to, nanos(e.getEndTime()));
            if (row == null && t.getJavaName() != null && t.getJavaName().equals("main") && !type.endsWith("End")) {
                // The thread that runs the cell itself.
                row = new Row("cell (main)", from, to, false);
                threads.put(id(t), row);
                byJavaId.put(t.getJavaThreadId(), row);
            }
            if (row == null) {
                continue;
            }
            switch (type) {
                case "jdk.ThreadEnd":
                case "jdk.VirtualThreadEnd":
                    row.end = Math.min(row.end, start);
                    break;
                case "jdk.ThreadSleep":
                case "jdk.ThreadPark":
                case "jdk.JavaMonitorWait":
                case "jdk.SocketRead":
                case "jdk.SocketWrite":
                    row.spans.add(new long[] {start, end, WAITING});
                    break;
                case "jdk.JavaMonitorEnter":
                    row.spans.add(new long[] {start, end, BLOCKED});
                    break;
                default:
                    break;
            }
        }
        if (endDump != null) {
            stillWaitingAtTheEnd(byJavaId, EndStates.parse(endDump), to);
        }
        List<Row> rows = new ArrayList<>(threads.values());
        for (String task : workerTasks) {
            String[] f = task.split(" ");
            long start = Math.max(from, Long.parseLong(f[2]));
            long end = Math.min(to, Long.parseLong(f[3]));
            String label = "worker " + f[0] + " (pid " + f[1] + ")";
            Row row = rows.stream().filter(r -> r.worker && r.label.equals(label)).findFirst().orElse(null);
            if (row == null) {
                row = new Row(label, start, end, true);
                rows.add(row);
            }
            row.spans.add(new long[] {start, end, 0});
        }
        if (rows.size() > MAX_ROWS) {
            int more = rows.size() - MAX_ROWS;
            rows = new ArrayList<>(rows.subList(0, MAX_ROWS));
            rows.add(new Row("… and " + more + " more", from, from, false));
        }
        return rows;
    }

    /**
     * A thread blocked (or waiting, or sleeping) when the recording stopped has no event for it: JFR writes one
     * as the wait ends. Its state at the end comes from the final thread dump; when the wait began is not
     * recorded, so its bar starts where the thread's last recorded event ended (for a deadlock: the pause
     * before it reached for the second lock), or where the thread started.
     */
    static void stillWaitingAtTheEnd(Map<Long, Row> byJavaId, Map<Long, Thread.State> states, long to) {
        for (Map.Entry<Long, Row> e : byJavaId.entrySet()) {
            Row row = e.getValue();
            Thread.State state = states.get(e.getKey());
            if (row.end < to || state == null) {
                continue; // ended during the recording, or not in the dump (a virtual thread not on a carrier)
            }
            int kind = state == Thread.State.BLOCKED ? BLOCKED
                    : state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING ? WAITING : 0;
            if (kind == 0) {
                continue;
            }
            long since = row.start;
            for (long[] span : row.spans) {
                since = Math.max(since, span[1]);
            }
            if (since < to) {
                row.spans.add(new long[] {since, to, kind});
            }
            row.atEnd = kind == BLOCKED ? Thread.State.BLOCKED : Thread.State.WAITING;
        }
    }

    private static boolean isUserThread(String name) {
        return name == null || !(name.startsWith("threadbook-") || name.startsWith("JFR ") || name.equals("output reader")
                || name.startsWith("process reaper") || name.startsWith("Attach Listener"));
    }

    private static long id(RecordedThread t) {
        return t.getId();
    }

    private static String name(RecordedThread t) {
        String name = t.getJavaName();
        return name == null || name.isEmpty() ? "virtual thread #" + t.getJavaThreadId() : name;
    }

    private static long nanos(Instant i) {
        return i.getEpochSecond() * 1_000_000_000L + i.getNano();
    }

    /** The same in words, for frontends that show text only. */
    static String text(List<Row> rows, long from, long to) {
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, "Timeline of %.2f s:%n", (to - from) / 1e9));
        for (Row r : rows) {
            if (r.end <= r.start) {
                t.append("  ").append(r.label).append('\n');
                continue;
            }
            long waiting = 0;
            long blocked = 0;
            for (long[] s : r.spans) {
                if (s[2] == WAITING) {
                    waiting += s[1] - s[0];
                } else if (s[2] == BLOCKED) {
                    blocked += s[1] - s[0];
                }
            }
            t.append(String.format(Locale.ROOT, "  %-28s %6.2f s → %6.2f s", r.label, (r.start - from) / 1e9, (r.end - from) / 1e9));
            if (r.worker) {
                t.append("  (tasks in a worker process)\n");
            } else {
                t.append(String.format(Locale.ROOT, "  waiting %.2f s, blocked %.2f s", waiting / 1e9, blocked / 1e9));
                t.append(r.atEnd == Thread.State.BLOCKED ? ", still blocked at the end\n"
                        : r.atEnd == Thread.State.WAITING ? ", still waiting at the end\n" : "\n");
            }
        }
        return t.toString();
    }
}
