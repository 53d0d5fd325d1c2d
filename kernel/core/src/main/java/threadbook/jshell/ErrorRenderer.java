package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.UnresolvedReferenceException;
import threadbook.remote.AgentLimits;

/**
 * What a student reads when a cell fails or needs a word of warning: the line of the cell with a marker
 * under the error (in the colours Jupyter frontends show), a stack trace cut down to their own code,
 * the class-file limits in plain words, and the notes an OK cell carries.
 */
final class ErrorRenderer {
    private static final String RED = "\u001b[0;31m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String GREEN = "\u001b[0;32m";
    private static final String RESET = "\u001b[0m";

    private final JShell jshell;
    private final CellLines cellLines;

    ErrorRenderer(JShell jshell, CellLines cellLines) {
        this.jshell = jshell;
        this.cellLines = cellLines;
    }

    /** A problem with a place in the snippet's source ({@code position} -1 if it has none). */
    record Problem(String message, long position) {}

    private static final java.util.regex.Pattern VOLATILE = java.util.regex.Pattern.compile(
            "^\\s*(@\\w+\\s+|\\w+\\s+)*?volatile\\s");

    /**
     * A variable declared at the top of a cell is a static field of JShell's, and JShell drops its
     * {@code volatile} without a word (the jshell tool warns, the API does not). A concurrency lesson must
     * not lose it silently.
     */
    static void warnings(Snippet snippet, List<String> notes) {
        if (snippet.kind() == Snippet.Kind.VAR && VOLATILE.matcher(SnippetSplitter.withoutComments(snippet.source())).find()) {
            notes.add("warning: 'volatile' is ignored on a variable declared at the top of a cell (JShell keeps it as a"
                    + " plain static field).\n  For a flag or counter shared by threads, use an AtomicBoolean or AtomicInteger,"
                    + " or a volatile field of a class.");
        }
    }

    String unresolvedNote(DeclarationSnippet snippet) {
        String missing = jshell.unresolvedDependencies(snippet).collect(Collectors.joining(", "));
        return "note: " + describe(snippet) + " is defined, but it cannot be used until "
                + (missing.isEmpty() ? "its errors are fixed" : missing + " is declared") + ".";
    }

    private static String describe(DeclarationSnippet snippet) {
        switch (snippet.kind()) {
            case METHOD:
                return "method " + snippet.name() + "()";
            case TYPE_DECL:
                return "type " + snippet.name();
            case VAR:
                return "variable " + snippet.name();
            default:
                return snippet.name();
        }
    }

    CellResult compileError(Snippet snippet, List<Diag> diags, String code, int start, String cellLabel,
                                    List<String> lost) {
        if (diags.isEmpty()) {
            String text = "this code was rejected by the compiler";
            return CellResult.error("CompileError", text, List.of(BOLD_RED + "CompileError" + RESET + ": " + text));
        }
        List<Problem> problems = new ArrayList<>();
        for (Diag diag : diags) {
            problems.add(new Problem(diag.getMessage(Locale.ROOT), diag.getPosition() >= 0 ? diag.getPosition()
                    : diag.getStartPosition()));
        }
        return errorAt(problems, code, start, cellLabel, lost);
    }

    static final String STRING_LIMIT = "a string constant may hold at most 65,535 bytes of UTF-8: split it,"
            + " or read the text from a file";

    /**
     * What a student reads for a limit of the class-file format; null if the diagnostic is not one.
     * javac names these "compiler.err.limit.*".
     */
    static String limitMessage(Diag diag) {
        String code = diag.getCode();
        if (code == null || !code.startsWith("compiler.err.limit.")) {
            return null;
        }
        switch (code.substring("compiler.err.limit.".length())) {
            case "string":
            case "string.overflow":
                return STRING_LIMIT;
            case "code":
            case "code.too.large.for.try.stmt":
                return "code too large: a method's bytecode may be at most 64 KB (the statements at the top of a"
                        + " cell count as one method): split it into smaller methods or cells";
            case "pool":
                return "too many constants: a class may hold at most 65,535 (names, numbers and strings):"
                        + " split the code into smaller classes or cells";
            case "parameters":
                return "too many parameters: a method may take at most 255 (a long or double counts as two):"
                        + " pass an array, a list or a record instead";
            case "locals":
                return "too many local variables: a method may have at most 65,535 slots: split it into smaller"
                        + " methods";
            case "dimensions":
                return "an array may have at most 255 dimensions";
            case "stack":
                return "this code needs more than 65,535 values on the operand stack: split the expression";
            default:
                return diag.getMessage(Locale.ROOT).lines().findFirst().orElse("")
                        + " (a limit of the Java class-file format)";
        }
    }

    /** Errors, each with the line of the cell it is on and a marker under its place. */
    static CellResult errorAt(List<Problem> problems, String code, int start, String cellLabel,
                                      List<String> lost) {
        List<String> lines = new ArrayList<>();
        String summary = null;
        String[] codeLines = null;
        for (Problem problem : problems) {
            String[] message = problem.message().split("\n");
            if (summary == null) {
                summary = message[0];
            }
            lines.add(BOLD_RED + "error" + RESET + ": " + message[0]);
            for (int i = 1; i < message.length; i++) {
                lines.add("  " + message[i].strip());
            }
            if (problem.position() < 0) {
                continue;
            }
            if (codeLines == null) {
                codeLines = code.split("\n", -1);
            }
            int offset = (int) Math.min(Math.max(0, start + problem.position()), code.length());
            int line = SnippetSplitter.lineOf(code, offset);
            int column = offset - (code.lastIndexOf('\n', offset - 1) + 1);
            String text = codeLines[Math.min(line, codeLines.length) - 1];
            if (text.length() > 200) {
                int from = Math.max(0, Math.min(column - 40, text.length() - 200));
                text = (from > 0 ? "..." : "") + text.substring(from, from + 200) + "...";
                column = column - from + (from > 0 ? 3 : 0);
            }
            lines.add(GREEN + "cell " + cellLabel + ", line " + line + RESET + ":");
            lines.add("    " + text);
            lines.add("    " + " ".repeat(Math.max(0, Math.min(column, text.length()))) + RED + "^" + RESET);
        }
        for (String name : lost) {
            lines.add("note: the variable " + name + " was replaced before this error was found, and its earlier"
                    + " value is gone: run the cell that set it again.");
        }
        return CellResult.error("CompileError", summary, lines);
    }

    CellResult runtimeError(JShellException exception) {
        if (exception instanceof UnresolvedReferenceException unresolved) {
            DeclarationSnippet snippet = unresolved.getSnippet();
            String missing = jshell.unresolvedDependencies(snippet).collect(Collectors.joining(", "));
            String text = describe(snippet) + " cannot be used until " + (missing.isEmpty() ? "its errors are fixed"
                    : missing + " is declared");
            return CellResult.error("UnresolvedReference", text, List.of(BOLD_RED + "UnresolvedReference" + RESET
                    + ": " + text));
        }
        EvalException eval = (EvalException) exception;
        String ename = eval.getExceptionClassName();
        String evalue = eval.getMessage() == null ? "" : eval.getMessage();
        List<String> lines = new ArrayList<>();
        Throwable current = eval;
        boolean first = true;
        while (current != null) {
            String name = current instanceof EvalException e ? e.getExceptionClassName() : current.getClass().getName();
            String message = current.getMessage();
            lines.add((first ? "" : "Caused by: ") + BOLD_RED + name + RESET
                    + (message == null ? "" : ": " + message));
            for (StackTraceElement frame : userFrames(current.getStackTrace())) {
                lines.add("    at " + cellLines.describe(frame));
            }
            first = false;
            current = current.getCause();
        }
        if (isNoThreadLeft(ename, evalue)) {
            lines.add(NO_THREAD_LEFT);
        } else if ("java.lang.OutOfMemoryError".equals(ename) && evalue.startsWith("Java heap space")) {
            lines.add(NO_HEAP_LEFT);
        }
        return CellResult.error(ename, evalue, lines);
    }

    /** What the JVM says when the operating system refuses it another thread (e.g. "...: possibly out of memory or process/resource limits reached"). */
    static boolean isNoThreadLeft(String ename, String evalue) {
        return "java.lang.OutOfMemoryError".equals(ename) && evalue.contains("unable to create native thread");
    }

    static final String NO_HEAP_LEFT = "note: the Java process that runs your cells used all the memory it may have"
            + " (its maximum heap, -Xmx: the setting " + AgentLimits.HEAP_SETTING + ", install.sh --max-heap). Your variables"
            + " are kept; keep fewer or smaller objects alive (clear big collections you no longer need).";

    static final String NO_THREAD_LEFT = "note: this is not about memory. The operating system would not start another"
            + " thread: your account (or this machine) has as many threads and processes running as it allows."
            + " Threads your cells started and left running count too: %threads lists them, %threads stop ends them."
            + " Run many tasks on few threads instead: a pool (Executors.newFixedThreadPool) or virtual threads.";

    /** The frames from the top down to the cell's own code; below that is JShell's machinery. */
    private static List<StackTraceElement> userFrames(StackTraceElement[] trace) {
        List<StackTraceElement> frames = new ArrayList<>();
        for (StackTraceElement frame : trace) {
            String cls = frame.getClassName();
            if (cls.startsWith("jdk.internal.reflect.") || cls.startsWith("java.lang.reflect.")
                    || cls.startsWith("jdk.jshell.") || cls.startsWith("threadbook.agent.")) {
                break;
            }
            frames.add(frame);
        }
        return frames.isEmpty() ? List.of(trace) : frames;
    }

}
