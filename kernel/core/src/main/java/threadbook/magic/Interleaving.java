package threadbook.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Lincheck failure (the message of a LincheckAssertionError) in words: what went wrong, then the interleaving
 * that led there, one line per step: the thread, what it did (read, wrote, took a lock, waited, was paused), and
 * the cell line. Lincheck prints the interleaving as a table a column per thread, too wide for a notebook and hard
 * to read for a student.
 */
final class Interleaving {
    private static final int MAX_STEPS = 40;
    /** "... at $JShell$6$NotebookTests.lambda$t$3($JShell$6.java:29)": the code location Lincheck adds to a step. */
    private static final Pattern AT = Pattern.compile("\\s+at ([\\w$.]+)\\.([\\w$<>]+)\\(([^():]*):(\\d+)\\)$");
    private static final Pattern WRAPPER = Pattern.compile("^(?:REPL\\.)?(\\$JShell\\$\\w+)(.*)$");

    private Interleaving() {}

    /** Whether {@code message} is Lincheck's report of a failed concurrent test. */
    static boolean isReport(String message) {
        return message.contains("= Concurrent test") || message.contains("= The execution has hung");
    }

    /** What went wrong, in a line: the exception the test threw, or that the threads never finished. */
    static String headline(String message) {
        List<String> lines = message.lines().map(String::strip).toList();
        for (int i = 0; i < lines.size(); i++) {
            String l = lines.get(i);
            if (l.startsWith("= ") && l.contains("hung")) {
                boolean deadlock = message.contains("deadlock");
                return "the threads never finished" + (deadlock
                        ? ": a deadlock, each waits for a lock another one holds" : ": each waits for another");
            }
            if (l.startsWith("= ") && i + 1 < lines.size()) {
                for (String next : lines.subList(i + 1, lines.size())) {
                    if (!next.isEmpty()) {
                        String failure = next.replaceFirst("^[\\w.$]*(AssertionFailedError|AssertionError): ", "");
                        return failure + " (in one interleaving of the threads)";
                    }
                }
            }
        }
        return "a concurrent test failed";
    }

    /** The steps of the interleaving, a line each; {@code cellLine} maps a frame to "cell [3], line 5". */
    static List<String> steps(String message, Function<StackTraceElement, String> cellLine) {
        List<String> table = lastTable(message);
        if (table.size() < 2) {
            return List.of();
        }
        List<String> threads = cells(table.get(0)).stream().map(c -> c.text).toList();
        List<Step> all = new ArrayList<>();
        for (String row : table.subList(1, table.size())) {
            List<Cell> cells = cells(row);
            for (int col = 0; col < cells.size() && col < threads.size(); col++) {
                Cell c = cells.get(col);
                // Deeper steps are inside the calls above them, but a lock or a switch deep down is the story.
                boolean kept = c.depth <= 1 || c.text.startsWith("MONITOR") || c.text.startsWith("switch");
                if (!c.text.isEmpty() && kept && !c.text.startsWith("Object.<init>()")) {
                    all.add(new Step(col, c.text));
                }
            }
        }
        boolean hung = message.contains("has hung");
        int width = threads.stream().mapToInt(String::length).max().orElse(8);
        List<String> steps = new ArrayList<>();
        for (int i = 0; i < all.size() && steps.size() < MAX_STEPS; i++) {
            Step step = all.get(i);
            Step next = null;
            for (int j = i + 1; j < all.size() && next == null; j++) {
                next = all.get(j).thread == step.thread ? all.get(j) : null;
            }
            // A thread that enters a monitor and is then switched out because the lock is taken waits for it;
            // so does one whose last step in a hung run is entering a monitor.
            boolean waits = step.text.startsWith("MONITORENTER") && (next == null ? hung
                    : next.text.startsWith("switch (reason: lock is already acquired"));
            steps.add(String.format("%-" + width + "s  %s", threads.get(step.thread), words(step.text, waits, cellLine)));
        }
        if (all.size() > MAX_STEPS) {
            steps.add("... and " + (all.size() - MAX_STEPS) + " more steps");
        }
        return steps;
    }

    private record Step(int thread, String text) {}

    /** One step in words, with its cell line. */
    private static String words(String step, boolean waits, Function<StackTraceElement, String> cellLine) {
        String where = null;
        Matcher at = AT.matcher(step);
        if (at.find()) {
            where = cellLine.apply(frame(at.group(1), at.group(2), at.group(3), Integer.parseInt(at.group(4))));
            step = step.substring(0, at.start());
        }
        step = step.replaceAll("\\$JShell\\$\\w+[$.]", ""); // the notebook's classes by the names the notebook gave them
        String said;
        if (step.equals("switch")) {
            said = "is paused here: another thread runs";
        } else if (step.startsWith("switch (reason: lock is already acquired")) {
            said = "is paused: another thread holds that lock";
        } else if (step.startsWith("switch (reason: ")) {
            said = "is paused: " + step.substring("switch (reason: ".length(), step.length() - 1);
        } else if (step.equals("run()")) {
            said = "starts";
        } else if (step.contains(" ➜ ")) {
            int arrow = step.indexOf(" ➜ ");
            said = "reads " + step.substring(0, arrow) + ": " + step.substring(arrow + 3);
        } else if (step.matches("[^()]+ = .*")) {
            said = "writes " + step;
        } else if (step.startsWith("MONITORENTER")) {
            said = waits ? "waits for a lock (synchronized) that another thread holds" : "takes a lock (synchronized)";
        } else if (step.startsWith("MONITOREXIT")) {
            said = "releases a lock (end of synchronized)";
        } else {
            said = step;
        }
        return where == null ? said : said + "    (" + where + ")";
    }

    /** A frame as the notebook's code has it: Lincheck names JShell's classes without "REPL." and nested ones with dots. */
    private static StackTraceElement frame(String cls, String method, String file, int line) {
        Matcher m = WRAPPER.matcher(cls);
        String name = m.matches() ? "REPL." + m.group(1) + m.group(2).replace('.', '$') : cls;
        return new StackTraceElement(name, method, file, line);
    }

    /** The rows of the last table in the message (the detailed trace, which has code locations), header first. */
    private static List<String> lastTable(String message) {
        List<String> rows = new ArrayList<>();
        List<String> last = List.of();
        for (String line : message.lines().map(String::strip).toList()) {
            if (line.startsWith("|") && line.endsWith("|")) {
                if (!line.startsWith("| -")) {
                    rows.add(line);
                }
            } else if (!rows.isEmpty()) {
                last = rows;
                rows = new ArrayList<>();
            }
        }
        return rows.isEmpty() ? last : rows;
    }

    private record Cell(String text, int depth) {}

    private static List<Cell> cells(String row) {
        List<Cell> cells = new ArrayList<>();
        for (String raw : row.substring(1, row.length() - 1).split("\\|", -1)) {
            String body = raw.startsWith(" ") ? raw.substring(1) : raw;
            String text = body.strip();
            int indent = body.length() - body.stripLeading().length();
            cells.add(new Cell(text, indent / 2));
        }
        return cells;
    }
}
