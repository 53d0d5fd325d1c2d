package threadbook.magic;

import threadbook.agent.link.AgentException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import threadbook.jshell.CellResult;

/**
 * %%compare: two or more labelled variants of the same work, run one after another and timed; each
 * variant's output under its label, then a table (wall, CPU, parallelism, speedup against the first)
 * and a bar chart of the wall times. Labels are Java comments, so the cell still reads as Java:
 *
 * <pre>
 * %%compare
 * // --- one after another
 * task("A"); task("B");
 * // --- two threads
 * ...
 * </pre>
 */
final class CompareMagic implements Magic {
    private static final Pattern LABEL = Pattern.compile("^\\s*//\\s*-{3,}\\s*(.+?)\\s*-*\\s*$");

    @Override public boolean timesCode() { return true; }
    @Override public String name() { return "compare"; }
    @Override public Form form() { return Form.CELL; }
    @Override public String summary() { return "run labelled variants one after another; table and bar chart of their times"; }
    @Override public String usage() {
        return "%%compare [-r REPEATS] [--slider NAME=MIN:MAX[:START]]\n// --- sequential\n...java...\n// --- with threads\n...java...\n"
                + "Each '// --- label' line starts a variant; code above the first label runs once, untimed."
                + " A variant's variables are its own."
                + " With -r, each variant runs REPEATS times and the median is shown."
                + " With --slider, the int variable NAME is set to START (MIN if not given) and a slider from MIN"
                + " to MAX shows above the results: letting it go at a new value runs the comparison again with"
                + " NAME set to it, and its results replace the last ones.";
    }

    record Variant(String label, String code) {}

    record Measured(String label, Timing timing) {}

    /** {@code --slider NAME=MIN:MAX[:START]}: a slider for an int variable of the variants. */
    record Slider(String name, int min, int max, int start) {}

    record Options(int repeats, Slider slider) {}

    private static final Pattern SLIDER = Pattern.compile("([A-Za-z_$][A-Za-z0-9_$]*)=(-?\\d+):(-?\\d+)(?::(-?\\d+))?");

    static Options options(String args) throws MagicException {
        int repeats = 1;
        Slider slider = null;
        String[] words = args.isEmpty() ? new String[0] : args.split("\\s+");
        for (int i = 0; i < words.length; i += 2) {
            if (i + 1 == words.length || !(words[i].equals("-r") || words[i].equals("--slider"))) {
                throw new MagicException("unknown arguments '" + args + "' (valid: -r REPEATS, --slider NAME=MIN:MAX[:START])");
            }
            if (words[i].equals("-r")) {
                try {
                    repeats = Integer.parseInt(words[i + 1]);
                } catch (NumberFormatException e) {
                    throw new MagicException("-r needs a whole number, not '" + words[i + 1] + "'");
                }
                if (repeats < 1 || repeats > 100) {
                    throw new MagicException("-r must be between 1 and 100");
                }
            } else {
                Matcher m = SLIDER.matcher(words[i + 1]);
                if (!m.matches()) {
                    throw new MagicException("--slider needs NAME=MIN:MAX or NAME=MIN:MAX:START, e.g. threads=1:8:4,"
                            + " not '" + words[i + 1] + "'");
                }
                int min = Integer.parseInt(m.group(2));
                int max = Integer.parseInt(m.group(3));
                int start = m.group(4) == null ? min : Integer.parseInt(m.group(4));
                if (min >= max || start < min || start > max) {
                    throw new MagicException("--slider " + words[i + 1] + ": MIN must be below MAX, and START between them");
                }
                slider = new Slider(m.group(1), min, max, start);
            }
        }
        return new Options(repeats, slider);
    }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException {
        Options options = options(args);
        int repeats = options.repeats();
        StringBuilder setup = new StringBuilder();
        List<Variant> variants = split(body, setup);
        if (variants.size() < 2) {
            throw new MagicException("%%compare needs at least two variants, each starting with a line '// --- label'"
                    + " (found " + variants.size() + ")");
        }
        if (options.slider() != null) {
            CellResult r = slider(options.slider(), context);
            if (r.isError()) {
                return r;
            }
        }
        if (!setup.toString().isBlank()) {
            CellResult r = context.java(setup.toString());
            if (r.isError()) {
                return r;
            }
        }
        List<Measured> results = new ArrayList<>();
        for (Variant v : variants) {
            List<Timing> runs = new ArrayList<>();
            for (int i = 0; i < repeats; i++) {
                context.print("-- " + v.label() + (repeats > 1 ? " (run " + (i + 1) + " of " + repeats + ")" : "") + " --\n");
                Timing.Cpu before = Timing.Cpu.read(context);
                CellResult r = runAsOneSnippet(v.code(), context);
                if (r.isError()) {
                    return r;
                }
                runs.add(Timing.between(before, Timing.Cpu.read(context)));
            }
            runs.sort((a, b) -> Long.compare(a.wallNanos(), b.wallNanos()));
            results.add(new Measured(v.label(), runs.get(runs.size() / 2)));
        }
        Map<String, String> table = new LinkedHashMap<>();
        table.put("text/plain", textTable(results, repeats));
        table.put("text/html", htmlTable(results, repeats));
        context.display(table);
        // The chart is an output of its own, an image: in HTML it would not survive the sanitizer of
        // an untrusted notebook (the table does: it is plain HTML).
        List<BarChart.Bar> bars = results.stream().map(m -> new BarChart.Bar(m.label(), m.timing().wallSeconds())).toList();
        Drawing chart = BarChart.draw(bars, "wall time (s)");
        context.display(chart.bundle(BarChart.text(bars, "wall time (s)")), chart.metadata());
        return CellResult.ok(null);
    }

    /**
     * Shows the slider above an Output (the first time), routes this run's output into that Output (the
     * last run's goes), and sets the variable to the slider's value. Moving the slider runs the magic again
     * (see MagicContext.rerunOnChange).
     */
    private static CellResult slider(Slider slider, MagicContext context) {
        MagicContext.Rerun rerun = context.rerun();
        String outputId;
        long value;
        if (rerun == null) {
            CellResult made = context.java("threadbook.agent.RerunWidgets.sliderAboveOutput(\"" + slider.name() + "\", "
                    + slider.min() + ", " + slider.max() + ", " + slider.start() + ")");
            if (made.isError()) {
                return made;
            }
            String[] ids = made.value().replace("\"", "").strip().split(" ");
            context.rerunOnChange(ids[0], ids[1]);
            outputId = ids[1];
            value = slider.start();
        } else {
            outputId = rerun.memo();
            value = rerun.value();
        }
        context.outputInto(outputId);
        context.print(slider.name() + " = " + value + "\n");
        return context.java("int " + slider.name() + " = " + value + ";");
    }

    /**
     * Runs the variant as one block, so it is compiled once before it runs and its time is the time of
     * its code, not of JShell compiling its lines one by one. Its variables are then local to it (two
     * variants may use the same names). A variant that declares methods or classes cannot be a block:
     * it runs as it is (the compiler rejects the block before anything runs, so nothing runs twice).
     */
    private static CellResult runAsOneSnippet(String code, MagicContext context) {
        CellResult block = context.java("{" + code + "\n}");
        if (block.isError() && "CompileError".equals(block.ename())) {
            return context.java(code);
        }
        return block;
    }

    /** The variants of the body; code before the first label goes into {@code setup}. Line numbers kept. */
    static List<Variant> split(String body, StringBuilder setup) {
        List<Variant> variants = new ArrayList<>();
        String[] lines = body.split("\n", -1);
        String label = null;
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < lines.length; i++) {
            Matcher m = LABEL.matcher(lines[i]);
            if (m.matches()) {
                if (label != null) {
                    variants.add(new Variant(label, code.toString()));
                } else {
                    setup.append(code);
                }
                label = m.group(1);
                code.setLength(0);
                code.append("\n".repeat(i + 1)); // the variant's code keeps its lines in the cell
            } else {
                code.append(lines[i]).append('\n');
            }
        }
        if (label != null) {
            variants.add(new Variant(label, code.toString()));
        } else {
            setup.append(code);
        }
        return variants;
    }

    private static String textTable(List<Measured> results, int repeats) {
        int width = Math.max(7, results.stream().mapToInt(m -> m.label().length()).max().orElse(7));
        String header = "%-" + width + "s %10s %10s %12s %9s%n";
        String row = "%-" + width + "s %10s %10s %12.2f %8.2fx%n";
        StringBuilder t = new StringBuilder(String.format(Locale.ROOT, header, "variant", "wall", "CPU", "parallelism", "speedup"));
        double first = results.get(0).timing().wallSeconds();
        for (Measured m : results) {
            t.append(String.format(Locale.ROOT, row, m.label(), Timing.seconds(m.timing().wallNanos()),
                    Timing.seconds(m.timing().jvmCpuNanos() + m.timing().workerCpuNanos()), m.timing().parallelism(),
                    first / Math.max(1e-9, m.timing().wallSeconds())));
        }
        if (repeats > 1) {
            t.append("(median of ").append(repeats).append(" runs each)\n");
        }
        return t.toString();
    }

    private static String htmlTable(List<Measured> results, int repeats) {
        StringBuilder h = new StringBuilder("<table><thead><tr><th>variant</th><th>wall</th><th>CPU</th>"
                + "<th>parallelism</th><th>speedup</th></tr></thead><tbody>");
        double first = results.get(0).timing().wallSeconds();
        for (Measured m : results) {
            h.append(String.format(Locale.ROOT, "<tr><td>%s</td><td>%s</td><td>%s</td><td>%.2f (%s)</td><td>%.2f×</td></tr>",
                    BarChart.escape(m.label()), Timing.seconds(m.timing().wallNanos()),
                    Timing.seconds(m.timing().jvmCpuNanos() + m.timing().workerCpuNanos()), m.timing().parallelism(),
                    Timing.meaning(m.timing().parallelism()), first / Math.max(1e-9, m.timing().wallSeconds())));
        }
        h.append("</tbody></table>");
        if (repeats > 1) {
            h.append("<p>median of ").append(repeats).append(" runs each</p>");
        }
        return h.toString();
    }
}
