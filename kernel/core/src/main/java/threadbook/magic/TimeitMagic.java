package threadbook.magic;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import threadbook.jshell.CellResult;

/**
 * %timeit and %%timeit, with IPython's semantics: a loop count chosen so one run takes at least 0.2 s,
 * 7 runs, mean ± standard deviation per loop. The JVM compiles hot code while it runs, so warm-up runs
 * come first and are not counted (the output says how many).
 *
 * <p>The loop runs inside the agent JVM, in a method defined for the purpose: timing one JShell eval
 * per loop would measure JShell, not the code.
 */
final class TimeitMagic implements Magic {
    private static final long TARGET_NANOS = 200_000_000L;
    private static final String SINK = "__timeitSink";
    private static final String METHOD = "__timeitLoops";

    @Override public boolean timesCode() { return true; }
    @Override public String name() { return "timeit"; }
    @Override public Form form() { return Form.BOTH; }
    @Override public String summary() { return "time a statement over many loops: mean ± std. dev. of 7 runs, after JIT warm-up"; }
    @Override public String usage() {
        return "%timeit [-n LOOPS] [-r RUNS] STATEMENT   e.g. %timeit -r 5 fib(20)\n"
                + "%%timeit [-n LOOPS] [-r RUNS]   (first line of a cell: times the cell's statements)";
    }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException {
        List<String> words = new ArrayList<>(List.of(args.isEmpty() ? new String[0] : args.split("\\s+")));
        long loops = 0;
        int runs = 7;
        while (!words.isEmpty() && words.get(0).startsWith("-")) {
            String option = words.remove(0);
            if (words.isEmpty()) {
                throw new MagicException("option " + option + " needs a number");
            }
            String value = words.remove(0);
            long n;
            try {
                n = Long.parseLong(value.replace("_", "").replace(",", ""));
            } catch (NumberFormatException e) {
                throw new MagicException("option " + option + " needs a whole number, not '" + value + "'");
            }
            if (n < 1) {
                throw new MagicException("option " + option + " must be at least 1");
            }
            switch (option) {
                case "-n":
                    loops = n;
                    break;
                case "-r":
                    runs = (int) Math.min(n, 1000);
                    break;
                default:
                    throw new MagicException("unknown option " + option + " (valid: -n LOOPS, -r RUNS)");
            }
        }
        String code = body != null ? body : String.join(" ", words);
        if (body != null && !words.isEmpty()) {
            throw new MagicException("%%timeit takes only -n and -r on its first line; the cell below it is what is timed");
        }
        if (code.isBlank()) {
            throw new MagicException("%timeit needs a statement to time, e.g. %timeit Math.sqrt(2)");
        }

        CellResult defined = define(code, context);
        if (defined.isError()) {
            return defined;
        }
        try {
            // Warm-up, not counted: finding the loop count runs the code with more and more loops, and
            // one more run at the chosen count lets the JIT finish compiling it.
            int warmup = 1;
            if (loops == 0) {
                long[] found = autorange(context);
                loops = found[0];
                warmup += (int) found[1];
            }
            time(loops, context);
            List<Long> times = new ArrayList<>();
            for (int i = 0; i < runs; i++) {
                times.add(time(loops, context));
            }
            context.print(report(times, loops, warmup) + "\n");
            return CellResult.ok(null);
        } catch (TimedOut e) {
            return e.result;
        }
    }

    /** Defines the loop method: an expression goes into a sink (so it is computed), a statement as it is. */
    private CellResult define(String code, MagicContext context) {
        context.java("Object " + SINK + " = null;");
        String trimmed = code.strip();
        if (!trimmed.endsWith(";") && !trimmed.endsWith("}") && !trimmed.contains("\n")) {
            CellResult asExpression = context.java(method(SINK + " = (" + trimmed + ");"));
            if (!asExpression.isError()) {
                return asExpression;
            }
        }
        String statements = trimmed.endsWith(";") || trimmed.endsWith("}") ? code : code + ";";
        return context.java(method(statements));
    }

    private static String method(String statements) {
        return "long " + METHOD + "(long __n) throws Throwable {\n"
                + "    long __start = System.nanoTime();\n"
                + "    for (long __i = 0; __i < __n; __i++) {\n" + statements + "\n    }\n"
                + "    return System.nanoTime() - __start;\n}";
    }

    private static final class TimedOut extends Exception {
        final CellResult result;

        TimedOut(CellResult result) {
            super(null, null, false, false);
            this.result = result;
        }
    }

    private static long time(long loops, MagicContext context) throws TimedOut {
        CellResult r = context.java(METHOD + "(" + loops + "L)");
        if (r.isError() || r.value() == null) {
            throw new TimedOut(r.isError() ? r : CellResult.error("TimeitError", "no time came back", List.of()));
        }
        return Long.parseLong(r.value());
    }

    /**
     * 1, 2, 5, 10, 20, 50... loops until one run takes at least 0.2 s, as IPython does.
     * Returns the loop count and how many runs it took.
     */
    private static long[] autorange(MagicContext context) throws TimedOut {
        int tries = 0;
        for (long base = 1; ; base *= 10) {
            for (long factor : new long[] {1, 2, 5}) {
                long n = base * factor;
                tries++;
                if (time(n, context) >= TARGET_NANOS || n >= 1_000_000_000L) {
                    return new long[] {n, tries};
                }
            }
        }
    }

    static String report(List<Long> runTimes, long loops, int warmupRuns) {
        double[] perLoop = runTimes.stream().mapToDouble(t -> (double) t / loops).toArray();
        double mean = 0;
        for (double v : perLoop) {
            mean += v;
        }
        mean /= perLoop.length;
        double variance = 0;
        for (double v : perLoop) {
            variance += (v - mean) * (v - mean);
        }
        double std = perLoop.length > 1 ? Math.sqrt(variance / perLoop.length) : 0;
        double fastest = java.util.Arrays.stream(perLoop).min().orElse(0);
        double slowest = java.util.Arrays.stream(perLoop).max().orElse(0);
        StringBuilder out = new StringBuilder();
        if (fastest > 0 && slowest / fastest > 4) {
            out.append(String.format(Locale.ROOT, "The slowest run took %.2f times longer than the fastest. This could"
                    + " mean that an intermediate result is being cached, or that the JIT compiled the code partway.%n",
                    slowest / fastest));
        }
        out.append(String.format(Locale.ROOT, "%s ± %s per loop (mean ± std. dev. of %d run%s, %,d loop%s each; "
                        + "%d JIT warm-up runs not counted)",
                Timing.seconds(mean), Timing.seconds(std), perLoop.length,
                perLoop.length == 1 ? "" : "s", loops, loops == 1 ? "" : "s", warmupRuns));
        return out.toString();
    }
}
