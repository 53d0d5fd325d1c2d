package threadbook.magic;

import threadbook.agent.link.AgentException;
import threadbook.agent.link.TestOutcome;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import threadbook.dependencies.MavenResolver;
import threadbook.jshell.CellResult;
import threadbook.remote.LockSentences;

/**
 * %%test: the cell's {@code @Test} methods (JUnit Jupiter) run against the notebook's own methods, classes
 * and variables, in the session's JVM; a compact report, and an error reply when a test fails, so that an
 * autograder that marks a cell by its error (nbgrader) grades it.
 *
 * <p>The body becomes a class (its imports stay outside), on the cell's own lines, so compile errors and
 * failures point at the cell's lines. JUnit 5.14 is fetched from Maven Central the first time, like
 * {@code %maven}: the 5.x line runs on every Java the kernel runs on and is the one course material and
 * build tools use today; JUnit 6 would work as well (it needs Java 17, as the kernel does), and its
 * Jupiter API for these tests is the same.
 */
final class TestMagic implements Magic {
    static final List<String> JUNIT = List.of("org.junit.jupiter:junit-jupiter:5.14.4",
            "org.junit.platform:junit-platform-launcher:1.14.4");
    /** Model checking: explores how the threads can interleave (see addLincheck). 3.7 is the newest on Maven Central. */
    static final List<String> LINCHECK = List.of("org.jetbrains.lincheck:lincheck:3.7");
    private static final java.util.regex.Pattern USES_LINCHECK = java.util.regex.Pattern.compile("\\bLincheck\\b|org\\.jetbrains\\.lincheck");
    private static final String CLASS = "NotebookTests";
    private static final long DEFAULT_TIMEOUT_SECONDS = 60;
    private static final String GREEN = "\u001b[0;32m";
    private static final String RED = "\u001b[0;31m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String RESET = "\u001b[0m";

    private MavenResolver resolver;

    @Override public String name() { return "test"; }
    @Override public Form form() { return Form.CELL; }
    @Override public String summary() { return "run the cell's JUnit 5 @Test methods against the notebook's code; a failing test makes the cell an error"; }

    @Override
    public String usage() {
        return "%%test [--timeout SECONDS]\n"
                + "@Test void sumOfSquares() { assertEquals(55, sumOfSquares(5)); }\n"
                + "@Test void neverLosesAnAddition() throws Exception {\n"
                + "    for (int run = 1; run <= 20; run++) assertEquals(4_000_000, countWithLock(4, 1_000_000), \"run \" + run);\n"
                + "}\n"
                + "  The cell is a test class's body: @Test, @RepeatedTest, @Timeout methods, helper methods, fields; its\n"
                + "  own imports too. org.junit.jupiter.api.* and Assertions.* are imported. Each test may take\n"
                + "  --timeout seconds (default " + DEFAULT_TIMEOUT_SECONDS + "); one that takes longer is stopped and\n"
                + "  reported with the stacks of the notebook's threads. JUnit comes from Maven Central the first time.\n"
                + "  A race loses updates only now and then: a check of a concurrent answer runs it many times, or\n"
                + "  looks at what the threads do (the JVM says which lock a blocked thread waits for), so that a\n"
                + "  wrong answer fails every time, not once in a while.";
    }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException {
        long timeout = timeout(args);
        if (body.isBlank()) {
            throw new MagicException("%%test needs @Test methods below it");
        }
        if (USES_LINCHECK.matcher(body).find()) {
            CellResult lincheck = addLincheck(context);
            if (lincheck != null) {
                return lincheck;
            }
        }
        CellResult setup = addJUnit(context);
        if (setup != null) {
            return setup;
        }
        // Imports stay outside the class; every line keeps its number, so errors point at the cell's lines.
        StringBuilder imports = new StringBuilder();
        StringBuilder members = new StringBuilder();
        boolean anyImport = false;
        String[] lines = body.split("\n", -1);
        for (int i = 0; i < lines.length; i++) {
            String t = lines[i].strip();
            boolean isImport = t.startsWith("import ") && t.endsWith(";");
            imports.append(isImport ? lines[i] : "");
            members.append(isImport ? "" : lines[i]);
            anyImport |= isImport;
            if (i < lines.length - 1) {
                imports.append('\n');
                members.append('\n');
            }
        }
        if (anyImport) {
            CellResult imported = context.java(imports.toString());
            if (imported.isError()) {
                return imported;
            }
        }
        // Line 1 of the body is the %%test line (blank): the class opens there and the cell's lines follow.
        String testClass = "class " + CLASS + " {" + members.substring(members.indexOf("\n")) + "\n}";
        CellResult compiled = context.java(testClass);
        if (compiled.isError()) {
            return compiled;
        }
        String notes = String.join("\n", compiled.notes());
        if (notes.contains("cannot be used until")) {
            // JShell keeps a class that names something undeclared, but it cannot run: say so instead of failing every test.
            String missing = notes.replaceAll("(?s).*cannot be used until (.*?) is declared.*", "$1");
            String text = "the tests use " + missing + ", which is not declared: run the cell that declares it first";
            return CellResult.error("CompileError", text, List.of(BOLD_RED + "CompileError" + RESET + ": " + text));
        }
        CellResult ran = context.java("threadbook.agent.TestRunner.run(" + CLASS + ".class, " + timeout + "L);");
        if (ran.isError()) {
            return ran; // interrupted, or the Java process ended (a test called System.exit)
        }
        return report(context.agent().testReport(), context);
    }

    private static long timeout(String args) throws MagicException {
        String[] words = args.isBlank() ? new String[0] : args.trim().split("\\s+");
        if (words.length == 0) {
            return DEFAULT_TIMEOUT_SECONDS;
        }
        if (words.length == 2 && words[0].equals("--timeout")) {
            try {
                long seconds = Long.parseLong(words[1]);
                if (seconds > 0) {
                    return seconds;
                }
            } catch (NumberFormatException e) {
                // said below
            }
        }
        throw new MagicException("unknown arguments '" + args + "' (valid: nothing, or --timeout SECONDS with a whole number above 0)");
    }

    /**
     * Lincheck on the Java process's class path from its start: it rewrites classes as they load, and its own
     * classes must not be among them (see threadbook.agent.StartupJarsLoader). The session restarts with it the
     * first time. Then a probe: a counter two threads increment without a lock, which Lincheck must find broken;
     * on a Java it cannot explore (3.7 finds nothing on Java 25) every test would pass, so the cell fails instead.
     */
    private CellResult addLincheck(MagicContext context) throws MagicException, AgentException {
        List<Path> jars;
        try {
            jars = resolver().resolve(LINCHECK);
        } catch (MavenResolver.ResolutionFailure e) {
            String text = "%%test needs Lincheck from Maven Central for this cell: " + e.getMessage();
            return CellResult.error("DependencyError", text, List.of(BOLD_RED + "DependencyError" + RESET + ": " + text));
        }
        context.startedWith(jars, "Lincheck explores how the threads can interleave by rewriting the classes as they load,"
                + " so it must be in the Java process from its start: the Java session restarts with it now (once)."
                + " The notebook's methods, classes and imports are defined again; variables are not: run the cells"
                + " that set the ones the tests use.");
        CellResult probe = context.java(LINCHECK_PROBE);
        if (probe.isError() && !"java.lang.UnsupportedOperationException".equals(probe.ename())) {
            return probe;
        }
        if (probe.isError()) {
            String text = "Lincheck " + LINCHECK.get(0).substring(LINCHECK.get(0).lastIndexOf(':') + 1)
                    + " cannot explore the threads on Java " + Runtime.version().feature() + ": it found nothing wrong with"
                    + " a counter two threads increment without a lock, so its tests would pass whatever the code does."
                    + " Run this notebook on a kernel with Java 17 (e.g. install/install.sh --java /usr/lib/jvm/java-17-openjdk-amd64"
                    + " --name threadbook-17, then pick that kernel).";
            return CellResult.error("LincheckUnsupported", text, List.of(BOLD_RED + "LincheckUnsupported" + RESET + ": " + text));
        }
        CellResult imported = context.java("import org.jetbrains.lincheck.Lincheck;");
        return imported.isError() ? imported : null;
    }

    /**
     * The probe, once per Java process (it notes its answer in a system property); fails when Lincheck found no
     * race. (A class the notebook changes is loaded under a new name in such a process, never redefined in place:
     * see AgentExecutionControl.redefine; Lincheck, which keeps the classes it rewrote by name, sees the new code.)
     */
    private static final String LINCHECK_PROBE = String.join("\n",
            "if (System.getProperty(\"threadbook.lincheck\") == null) {",
            "    boolean found = false;",
            "    try {",
            "        org.jetbrains.lincheck.Lincheck.runConcurrentTest(100, () -> {",
            "            int[] n = {0};",
            "            Thread a = new Thread(() -> n[0]++), b = new Thread(() -> n[0]++);",
            "            a.start(); b.start();",
            "            try { a.join(); b.join(); } catch (InterruptedException e) { throw new IllegalStateException(e); }",
            "            if (n[0] != 2) throw new IllegalStateException(\"lost\");",
            "        });",
            "    } catch (AssertionError e) {",
            "        found = true;",
            "    }",
            "    System.setProperty(\"threadbook.lincheck\", found ? \"explores\" : \"blind\");",
            "}",
            "if (System.getProperty(\"threadbook.lincheck\").equals(\"blind\")) throw new UnsupportedOperationException();");

    private synchronized MavenResolver resolver() {
        if (resolver == null) {
            resolver = new MavenResolver();
        }
        return resolver;
    }

    /** JUnit on the class path of this Java process, once (a new process after a restart needs it again). */
    private CellResult addJUnit(MagicContext context) throws AgentException {
        if (context.agent().junitAdded()) {
            return null;
        }
        List<Path> jars;
        try {
            jars = resolver().resolve(JUNIT);
        } catch (MavenResolver.ResolutionFailure e) {
            String text = "%%test needs JUnit from Maven Central: " + e.getMessage();
            return CellResult.error("DependencyError", text, List.of(BOLD_RED + "DependencyError" + RESET + ": " + text));
        }
        context.addToClasspath(jars);
        CellResult imported = context.java("import org.junit.jupiter.api.*;\nimport static org.junit.jupiter.api.Assertions.*;");
        if (imported.isError()) {
            return imported;
        }
        context.agent().markJUnitAdded();
        return null;
    }

    private static CellResult report(List<TestOutcome> outcomes, MagicContext context) {
        if (outcomes.isEmpty()) {
            String text = "no tests ran: write methods annotated with @Test (not private, not static) in the %%test cell";
            return CellResult.error("NoTests", text, List.of(BOLD_RED + "NoTests" + RESET + ": " + text));
        }
        // Repetitions of one method are summed up on one line, with the first failure's message.
        Map<String, List<TestOutcome>> byMethod = new LinkedHashMap<>();
        for (TestOutcome o : outcomes) {
            String key = o.test() && !o.parent().isEmpty() ? o.parent() : o.name();
            byMethod.computeIfAbsent(key, k -> new ArrayList<>()).add(o);
        }
        StringBuilder out = new StringBuilder();
        List<String> traceback = new ArrayList<>();
        int passed = 0;
        int failed = 0;
        int skipped = 0;
        for (Map.Entry<String, List<TestOutcome>> e : byMethod.entrySet()) {
            List<TestOutcome> group = e.getValue();
            List<TestOutcome> failures = group.stream().filter(TestOutcome::failed).toList();
            long ok = group.stream().filter(TestOutcome::passed).count();
            long notRun = group.size() - ok - failures.size();
            passed += (int) ok;
            failed += failures.size();
            skipped += (int) notRun;
            String times = group.size() > 1 ? " (" + ok + " of " + group.size() + " passed)" : "";
            if (failures.isEmpty()) {
                String mark = ok > 0 ? GREEN + "passed" + RESET : "- skipped";
                String why = ok == 0 && !group.get(0).message().isEmpty() ? ": " + group.get(0).message() : "";
                out.append(mark).append("  ").append(e.getKey()).append(times).append(why).append('\n');
                continue;
            }
            TestOutcome first = failures.get(0);
            boolean lincheck = Interleaving.isReport(first.message());
            String where = where(first, context);
            String line = RED + "FAILED" + RESET + "  " + e.getKey() + times + ": " + summary(first)
                    + (where == null ? "" : "  (" + where + ")");
            out.append(line).append('\n');
            traceback.add(BOLD_RED + "FAILED " + first.fullName() + RESET + (group.size() > 1 ? times : ""));
            traceback.add("    " + summary(first));
            if (lincheck) {
                List<String> steps = Interleaving.steps(first.message(), context::cellLine);
                if (!steps.isEmpty()) {
                    String header = "  The interleaving of the threads that Lincheck found, step by step:";
                    traceback.add(header);
                    steps.forEach(s -> traceback.add("    " + s));
                    out.append("  (the interleaving of the threads that Lincheck found is in the error below)\n");
                }
            }
            for (StackTraceElement f : first.frames()) {
                String cell = context.cellLine(f);
                if (cell != null) {
                    String method = f.getMethodName();
                    traceback.add("    at " + (method.startsWith("lambda$") || method.isEmpty() ? cell : method + "(" + cell + ")"));
                }
            }
            if (!first.stuck().isEmpty()) {
                traceback.add("  The notebook's threads when the time ran out:");
                traceback.addAll(LockSentences.stacks(first.stuck(), context::cellLine).lines().toList());
                out.append("  (the stacks of the notebook's threads when the time ran out are in the error below)\n");
            }
        }
        out.append(passed).append(" passed, ").append(failed).append(" failed")
                .append(skipped > 0 ? ", " + skipped + " skipped" : "").append('\n');
        context.print(out.toString());
        if (failed == 0) {
            return CellResult.ok(null);
        }
        String evalue = failed + " of " + (passed + failed) + " tests failed";
        traceback.add(0, BOLD_RED + "TestFailure" + RESET + ": " + evalue);
        return CellResult.error("TestFailure", evalue, traceback);
    }

    private static String summary(TestOutcome o) {
        String type = o.exception().substring(o.exception().lastIndexOf('.') + 1);
        boolean assertion = type.equals("AssertionFailedError") || type.equals("AssertionError")
                || type.equals("MultipleFailuresError");
        String message = o.message().equals("null") ? "" : o.message();
        if (Interleaving.isReport(message)) {
            return Interleaving.headline(message);
        }
        if (assertion) {
            return message.isEmpty() ? "assertion failed" : message;
        }
        return type + (message.isEmpty() ? "" : ": " + message);
    }

    /** The cell line of the deepest frame of the test class itself (the assert), else the first notebook frame. */
    private static String where(TestOutcome o, MagicContext context) {
        String fallback = null;
        for (StackTraceElement f : o.frames()) {
            String cell = context.cellLine(f);
            if (cell == null) {
                continue;
            }
            if (f.getClassName().endsWith("$" + CLASS)) {
                return cell;
            }
            if (fallback == null) {
                fallback = cell;
            }
        }
        return fallback;
    }
}
