package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.EvalException;
import jdk.jshell.JShell;
import jdk.jshell.JShellException;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.UnresolvedReferenceException;

/**
 * Runs the text of a cell through JShell: one snippet at a time ({@code JShell.eval} takes only the
 * first snippet of its input), in order, stopping at the first error, and turns what JShell says into
 * what a student reads: the line of the cell, a marker under the error, a stack trace of their code.
 */
final class CellEvaluator {
    private static final String RED = "\u001b[0;31m";
    private static final String BOLD_RED = "\u001b[1;31m";
    private static final String GREEN = "\u001b[0;32m";
    private static final String RESET = "\u001b[0m";

    /** Where a snippet came from, so that stack traces can point at cells and lines. */
    private record Origin(String cellLabel, int firstLine) {}

    private final JShell jshell;
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();
    /** The notebook's live methods, types and imports, in order, to define again in a new session. */
    private final Map<String, Definition> definitions = new java.util.LinkedHashMap<>();

    /** Gives JShell a fresh compiler (see {@link #undo}). */
    private final Runnable freshCompiler;

    CellEvaluator(JShell jshell, Runnable freshCompiler) {
        this.jshell = jshell;
        this.freshCompiler = freshCompiler;
    }

    /** A piece of the cell that JShell evaluates at once; {@code start} is where source's first char stands. */
    private record Segment(String source, int start, int end, int firstLine, boolean statement, List<Segment> parts) {}

    CellResult evaluate(String cellLabel, String code, BooleanSupplier stopRequested) {
        String value = null;
        List<String> notes = new ArrayList<>();
        List<Segment> segments = new ArrayList<>(mergeStatements(code, split(code)));
        for (int i = 0; i < segments.size(); i++) {
            Segment segment = segments.get(i);
            String source = segment.source();
            int start = segment.start();
            boolean last = i == segments.size() - 1;
            int firstLine = segment.firstLine();

            int oversized = CellSplitter.oversizedLiteral(source);
            if (oversized >= 0) {
                if (segment.parts().size() > 1) {
                    segments.remove(i);
                    segments.addAll(i, halves(code, segment));
                    i--;
                    continue;
                }
                return errorAt(List.of(new Problem(STRING_LIMIT, oversized)), code, start, cellLabel, List.of());
            }
            CellResult beforehand = checkVariableReplacement(source, code, start, cellLabel);
            if (beforehand != null) {
                return beforehand;
            }
            evaluatingFirstLine = firstLine;
            List<SnippetEvent> events = jshell.eval(source);
            value = null;
            Failure failure = failure(events);
            if (failure != null) {
                // Nothing of this snippet may stay: JShell keeps a snippet it could not turn into a class,
                // retries it with every later snippet, and fails each of them with the same error.
                List<String> lost = undo(events, cellLabel, !failure.limits().isEmpty());
                if (segment.parts().size() > 1) {
                    segments.remove(i);
                    segments.addAll(i, halves(code, segment));
                    i--;
                    continue;
                }
                return failure.limits().isEmpty()
                        ? compileError(failure.snippet(), failure.diags(), code, start, cellLabel, lost)
                        : errorAt(failure.limits(), code, start, cellLabel, lost);
            }
            track(events, cellLabel, firstLine);
            remember(events);
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null) {
                    continue; // a dependent snippet updated because of this one
                }
                Snippet snippet = event.snippet();
                origins.put(snippet.id(), new Origin(cellLabel, firstLine));
                if (event.status() == Snippet.Status.REJECTED) {
                    if (segment.parts().size() > 1) {
                        // The merged block did not compile (nothing ran): take it in halves, down to single
                        // statements, so the error, if any, is JShell's own for the statement at fault.
                        segments.remove(i);
                        segments.addAll(i, halves(code, segment));
                        i--;
                        break;
                    }
                    List<Diag> diags = jshell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
                    return compileError(snippet, diags, code, start, cellLabel, List.of());
                }
                if (event.exception() != null) {
                    if (stopRequested.getAsBoolean()) {
                        return CellResult.interrupted(interruptedMessage());
                    }
                    return runtimeError(event.exception());
                }
                if (stopRequested.getAsBoolean()) {
                    // JShell reports a stopped snippet as valid, with no value and no exception.
                    return CellResult.interrupted(interruptedMessage());
                }
                warnings(snippet, notes);
                if ((event.status() == Snippet.Status.RECOVERABLE_DEFINED
                        || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)
                        && snippet instanceof DeclarationSnippet declaration) {
                    notes.add(unresolvedNote(declaration));
                }
                if (last && shows(snippet) && !endsWithSemicolon(code.substring(Math.max(0, start)))) {
                    value = event.value();
                }
            }
        }
        CellResult ok = CellResult.ok(value);
        return notes.isEmpty() ? ok : new CellResult(ok.status(), value, null, String.join("\n", notes), List.of());
    }

    /** Below this size, a snippet cannot break a class-file limit (64 KB of code or constants). */
    private static final int LIMIT_CHECK_CHARS = 16_000;

    private static final String CHECK_PREFIX = "void $threadbookCheck() {\n";

    /**
     * A large declaration of a variable that already exists is first compiled as a local variable of a
     * method that never runs: JShell replaces the old variable before it finds out that the new one
     * breaks a class-file limit, and a replaced variable's value cannot be brought back. Null if the
     * declaration may go ahead.
     */
    private CellResult checkVariableReplacement(String source, String code, int start, String cellLabel) {
        if (source.length() < LIMIT_CHECK_CHARS) {
            return null;
        }
        java.util.Set<String> existing = jshell.variables().map(v -> v.name()).collect(Collectors.toSet());
        boolean replaces = jshell.sourceCodeAnalysis().sourceToSnippets(source).stream()
                .anyMatch(s -> s instanceof jdk.jshell.VarSnippet v && existing.contains(v.name()));
        if (!replaces) {
            return null;
        }
        List<SnippetEvent> events = jshell.eval(CHECK_PREFIX + source + "\n}");
        Failure failure = failure(events);
        if (failure != null && !failure.limits().isEmpty()) {
            undo(events, cellLabel, true);
            int shift = start - CHECK_PREFIX.length();
            return errorAt(failure.limits(), code, shift, cellLabel, List.of());
        }
        for (SnippetEvent event : events) {
            if (event.causeSnippet() == null && jshell.status(event.snippet()).isActive()) {
                jshell.drop(event.snippet());
            }
        }
        return null;
    }

    /** A problem with a place in the snippet's source ({@code position} -1 if it has none). */
    private record Problem(String message, long position) {}

    /** Why a snippet that JShell did not reject still failed. */
    private record Failure(Snippet snippet, List<Diag> diags, List<Problem> limits) {}

    /**
     * A snippet that JShell accepted but could not define for good: it broke a limit of the class-file
     * format (javac reports those only when it writes the class), or it has errors that no later
     * declaration can fix (nothing it uses is missing). JShell keeps such a snippet as "recoverable";
     * only one that waits for a missing name is.
     */
    private Failure failure(List<SnippetEvent> events) {
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;
            }
            Snippet snippet = event.snippet();
            List<Diag> errors = jshell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
            List<Problem> limits = new ArrayList<>();
            for (Diag d : errors) {
                String limit = limitMessage(d);
                if (limit != null) {
                    limits.add(new Problem(limit, d.getPosition() >= 0 ? d.getPosition() : d.getStartPosition()));
                }
            }
            if (!limits.isEmpty()) {
                return new Failure(snippet, errors, limits);
            }
            boolean recoverable = event.status() == Snippet.Status.RECOVERABLE_DEFINED
                    || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED;
            if (recoverable && !errors.isEmpty() && (!(snippet instanceof DeclarationSnippet declaration)
                    || jshell.unresolvedDependencies(declaration).findAny().isEmpty())) {
                return new Failure(snippet, errors, List.of());
            }
        }
        return null;
    }

    /**
     * Takes back what a failed snippet did to the session: drops it, and defines again the methods and
     * types it replaced (their dependents become valid again with them). A replaced variable cannot come
     * back with its value: its name is returned, to be told.
     *
     * <p>After a class-file limit, JShell's compiler also needs replacing: javac adds a class's constants
     * to its pool while generating code and clears the pool only when the class is written, and JShell
     * reuses that compiler. A string over 64 KB or 65,536 constants left there make every later snippet
     * fail the same way.
     */
    private List<String> undo(List<SnippetEvent> events, String cellLabel, boolean limit) {
        List<Snippet> failed = new ArrayList<>();
        for (SnippetEvent event : events) {
            if (event.causeSnippet() == null) {
                failed.add(event.snippet());
            }
        }
        List<String> lost = new ArrayList<>();
        for (Snippet snippet : failed) {
            if (jshell.status(snippet).isActive()) {
                jshell.drop(snippet);
            }
        }
        if (limit) {
            freshCompiler.run();
        }
        for (SnippetEvent event : events) {
            if (event.causeSnippet() == null || event.status() != Snippet.Status.OVERWRITTEN
                    || !failed.contains(event.causeSnippet())) {
                continue;
            }
            Snippet old = event.snippet();
            Definition before;
            synchronized (definitions) {
                before = definitions.get(old.id());
            }
            if (old.kind() == Snippet.Kind.VAR) {
                lost.add(((DeclarationSnippet) old).name());
                continue;
            }
            List<SnippetEvent> restored = jshell.eval(old.source());
            Definition where = before != null ? before : new Definition(old.source(), cellLabel, 1);
            for (SnippetEvent r : restored) {
                if (r.causeSnippet() == null && r.status().isActive()) {
                    synchronized (definitions) {
                        definitions.put(r.snippet().id(), where);
                    }
                }
            }
        }
        return lost;
    }

    /** Keeps {@link #definitions} up to date: a declaration in, a replaced or dropped one out. */
    private void track(List<SnippetEvent> events, String cellLabel, int firstLine) {
        synchronized (definitions) {
            // Removals first: JShell gives a redefinition (same name and signature) the id of the snippet
            // it replaces, and reports the replacement after the new snippet.
            for (SnippetEvent event : events) {
                if (isDeclaration(event.snippet()) && !event.status().isActive()) {
                    definitions.remove(event.snippet().id());
                }
            }
            for (SnippetEvent event : events) {
                Snippet s = event.snippet();
                if (isDeclaration(s) && event.status().isActive()) {
                    definitions.putIfAbsent(s.id(), new Definition(s.source(), cellLabel, firstLine));
                }
            }
        }
    }

    private static boolean isDeclaration(Snippet s) {
        return s.kind() == Snippet.Kind.METHOD || s.kind() == Snippet.Kind.TYPE_DECL || s.kind() == Snippet.Kind.IMPORT;
    }

    List<Definition> definitions() {
        synchronized (definitions) {
            return List.copyOf(definitions.values());
        }
    }

    /** The snippets of the cell, in order ({@code JShell.eval} takes only the first snippet of its input). */
    private List<Segment> split(String code) {
        List<Segment> segments = new ArrayList<>();
        int line = 1;
        int counted = 0;
        for (CellSplitter.Piece piece : CellSplitter.split(code, jshell.sourceCodeAnalysis()::analyzeCompletion)) {
            int at = Math.min(Math.max(0, piece.start()), code.length());
            line += count(code, '\n', counted, at);
            counted = at;
            boolean statement = piece.completeness() == Completeness.COMPLETE && isStatement(piece.source());
            segments.add(new Segment(piece.source(), piece.start(), piece.end(), line, statement, List.of()));
        }
        return segments;
    }

    /**
     * How much source one merged block may hold. The statements of a block become one method, whose
     * bytecode may not pass 64 KB; a block that passes it anyway is taken in halves.
     */
    private static final int MAX_BLOCK_CHARS = 16_000;

    /**
     * Runs of plain statements (calls, loops, ifs: no declarations) become one block, compiled once.
     * The meaning is the same, and each compile costs 20-40 ms: a cell of ten statements runs faster, and
     * the time it measures is the time of its code, not of JShell compiling between its lines. The last
     * statement stays alone if its value is to be shown.
     */
    private static List<Segment> mergeStatements(String code, List<Segment> segments) {
        List<Segment> merged = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            int j = i;
            while (j < segments.size() && segments.get(j).statement()
                    && (j == i || segments.get(j).end() - segments.get(i).start() <= MAX_BLOCK_CHARS)
                    && !(j == segments.size() - 1 && !endsWithSemicolon(code.substring(segments.get(j).start())))) {
                j++;
            }
            if (j - i >= 2) {
                merged.add(block(code, segments.subList(i, j)));
                i = j;
            } else {
                merged.add(segments.get(i));
                i++;
            }
        }
        return merged;
    }

    private static Segment block(String code, List<Segment> parts) {
        Segment first = parts.get(0);
        Segment last = parts.get(parts.size() - 1);
        String block = "{" + code.substring(first.start(), last.end()) + "\n}";
        return new Segment(block, first.start() - 1, last.end(), first.firstLine(), true, List.copyOf(parts));
    }

    /** A merged block in two: compiling each half finds a faulty statement in a few steps. */
    private static List<Segment> halves(String code, Segment merged) {
        List<Segment> parts = merged.parts();
        int middle = parts.size() / 2;
        List<Segment> out = new ArrayList<>();
        for (List<Segment> half : List.of(parts.subList(0, middle), parts.subList(middle, parts.size()))) {
            out.add(half.size() == 1 ? half.get(0) : block(code, half));
        }
        return out;
    }

    private static final java.util.regex.Pattern CONTROL = java.util.regex.Pattern.compile(
            "^(if|for|while|do|try|switch|synchronized|throw|assert)\\b.*|^\\{.*", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern CALL = java.util.regex.Pattern.compile(
            "^(new\\s+)?[A-Za-z_$][\\w$]*(\\s*\\.\\s*[A-Za-z_$][\\w$]*)*\\s*\\(.*", java.util.regex.Pattern.DOTALL);
    private static final java.util.regex.Pattern ASSIGNMENT = java.util.regex.Pattern.compile(
            "^[A-Za-z_$][\\w$]*(\\s*(\\.\\s*[A-Za-z_$][\\w$]*|\\[[^\\]]*\\]))*\\s*"
                    + "(=(?!=)|\\+=|-=|\\*=|/=|%=|&=|\\|=|\\^=|<<=|>>=|>>>=|\\+\\+|--).*|^(\\+\\+|--).*",
            java.util.regex.Pattern.DOTALL);

    /**
     * A plain statement (control flow, a call, an assignment), as opposed to a declaration whose name
     * later cells may use. Decided from the text: asking JShell costs a compile's worth of time, which
     * is what merging saves. Not every expression JShell takes is a Java statement ("1 + 1;" is not):
     * anything unsure is not merged.
     */
    static boolean isStatement(String source) {
        String s = withoutComments(source).strip();
        if (!(s.endsWith(";") || s.endsWith("}"))) {
            return false;
        }
        return CONTROL.matcher(s).matches() || CALL.matcher(s).matches() || ASSIGNMENT.matcher(s).matches();
    }

    /**
     * Like IPython, a cell shows the value of its last expression only when it does not end with a
     * semicolon: {@code list.size()} shows the size, {@code list.add(x);} shows nothing.
     */
    private static boolean shows(Snippet snippet) {
        return snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND
                || snippet.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND
                || snippet.subKind() == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND;
    }

    private static String interruptedMessage() {
        return "The cell was interrupted.";
    }

    private static final java.util.regex.Pattern VOLATILE = java.util.regex.Pattern.compile(
            "^\\s*(@\\w+\\s+|\\w+\\s+)*?volatile\\s");

    /**
     * A variable declared at the top of a cell is a static field of JShell's, and JShell drops its
     * {@code volatile} without a word (the jshell tool warns, the API does not). A concurrency lesson must
     * not lose it silently.
     */
    private static void warnings(Snippet snippet, List<String> notes) {
        if (snippet.kind() == Snippet.Kind.VAR && VOLATILE.matcher(withoutComments(snippet.source())).find()) {
            notes.add("warning: 'volatile' is ignored on a variable declared at the top of a cell (JShell keeps it as a"
                    + " plain static field).\n  For a flag or counter shared by threads, use an AtomicBoolean or AtomicInteger,"
                    + " or a volatile field of a class.");
        }
    }

    private String unresolvedNote(DeclarationSnippet snippet) {
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

    private CellResult compileError(Snippet snippet, List<Diag> diags, String code, int start, String cellLabel,
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

    private static final String STRING_LIMIT = "a string constant may hold at most 65,535 bytes of UTF-8: split it,"
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
    private static CellResult errorAt(List<Problem> problems, String code, int start, String cellLabel,
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
            int line = lineOf(code, offset);
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

    private CellResult runtimeError(JShellException exception) {
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
                lines.add("    at " + describe(frame));
            }
            first = false;
            current = current.getCause();
        }
        return CellResult.error(ename, evalue, lines);
    }

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

    /**
     * The wrapper class of each snippet, by its full name: a frame of a raw stack trace (not one JShell
     * translated, e.g. a test's failure or a stuck thread's stack) names the wrapper's line, not the cell's.
     */
    private final Map<String, jdk.jshell.SourceCodeAnalysis.SnippetWrapper> wrappers = new ConcurrentHashMap<>();

    private final Map<String, Snippet> snippetsByClass = new ConcurrentHashMap<>();

    /** The cell line of the segment JShell evaluates now (what the debugger maps its wrapper's lines to). */
    private volatile int evaluatingFirstLine = 1;
    /** Told each defined snippet's wrapper and first cell line; null while no debugger listens. */
    private volatile DebugHooks debugHooks;

    int evaluatingFirstLine() {
        return evaluatingFirstLine;
    }

    void debugHooks(DebugHooks hooks) {
        this.debugHooks = hooks;
    }

    private void remember(List<SnippetEvent> events) {
        DebugHooks hooks = debugHooks;
        for (SnippetEvent event : events) {
            if (!event.status().isDefined()) {
                continue;
            }
            try {
                jdk.jshell.SourceCodeAnalysis.SnippetWrapper w = jshell.sourceCodeAnalysis().wrapper(event.snippet());
                wrappers.put(w.fullClassName(), w);
                if (hooks != null && event.causeSnippet() == null) {
                    hooks.snippet(w.fullClassName(), w, evaluatingFirstLine);
                }
                snippetsByClass.put(w.fullClassName(), event.snippet());
            } catch (RuntimeException e) {
                // no wrapper to map frames with: those frames keep JShell's names
            }
        }
    }

    /** Where a frame of the notebook's code is ("cell [3], line 5"); null for a frame outside the notebook. */
    String where(StackTraceElement frame) {
        String file = frame.getFileName();
        if (file == null || !file.startsWith("#")) {
            return whereRaw(frame);
        }
        Origin origin = origins.get(file.substring(1));
        return origin == null ? "an earlier cell"
                : "cell " + origin.cellLabel() + ", line " + (origin.firstLine() + Math.max(frame.getLineNumber(), 1) - 1);
    }

    /** A raw frame ("REPL.$JShell$19E$Tests", "$JShell$19E.java" line 12) mapped through its snippet's wrapper. */
    private String whereRaw(StackTraceElement frame) {
        String cls = frame.getClassName();
        int at = cls.indexOf("$JShell$");
        if (at < 0 || frame.getLineNumber() < 1) {
            return null;
        }
        int nested = cls.indexOf('$', at + 8);
        jdk.jshell.SourceCodeAnalysis.SnippetWrapper w = wrappers.get(nested < 0 ? cls : cls.substring(0, nested));
        if (w == null) {
            return null;
        }
        String wrapped = w.wrapped();
        int position = 0;
        for (int line = 1; line < frame.getLineNumber() && position >= 0; line++) {
            position = wrapped.indexOf('\n', position) + 1;
            position = position == 0 ? -1 : position;
        }
        if (position < 0) {
            return null;
        }
        while (position < wrapped.length() && (wrapped.charAt(position) == ' ' || wrapped.charAt(position) == '\t')) {
            position++;
        }
        int inSource = w.wrappedToSourcePosition(position);
        if (inSource < 0) {
            return null;
        }
        Snippet snippet = snippetsByClass.get(w.fullClassName());
        Origin origin = snippet == null ? null : origins.get(snippet.id());
        if (origin == null) {
            return null;
        }
        // The origin's first line is that of the snippet's first character that is not blank; JShell's
        // source keeps the line breaks before it.
        String source = w.source();
        int leadingBreaks = lineOf(source, CellSplitter.indexOfNonBlank(source)) - 1;
        return "cell " + origin.cellLabel() + ", line " + (origin.firstLine() + lineOf(source, inSource) - 1 - leadingBreaks);
    }

    private String describe(StackTraceElement frame) {
        String file = frame.getFileName();
        if (file != null && file.startsWith("#")) {
            Origin origin = origins.get(file.substring(1));
            String where = origin == null ? "an earlier cell"
                    : "cell " + origin.cellLabel() + ", line " + (origin.firstLine() + Math.max(frame.getLineNumber(), 1) - 1);
            String method = frame.getMethodName();
            return method.isEmpty() || "do_it$".equals(method) ? where : method + "(" + where + ")";
        }
        return frame.toString();
    }

    /** Whether code ends with ";", comments after it aside ({@code f(); // why} ends with ";"). */
    static boolean endsWithSemicolon(String code) {
        return withoutComments(code).strip().endsWith(";");
    }

    /**
     * The code with its comments blanked out (strings and chars are kept: a "//" inside a string is not a
     * comment). Lengths and line breaks stay as they were.
     */
    static String withoutComments(String code) {
        StringBuilder out = new StringBuilder(code.length());
        int i = 0;
        while (i < code.length()) {
            char c = code.charAt(i);
            char next = i + 1 < code.length() ? code.charAt(i + 1) : 0;
            if (c == '/' && next == '/') {
                while (i < code.length() && code.charAt(i) != '\n') {
                    out.append(' ');
                    i++;
                }
            } else if (c == '/' && next == '*') {
                int end = code.indexOf("*/", i + 2);
                end = end < 0 ? code.length() : end + 2;
                for (; i < end; i++) {
                    out.append(code.charAt(i) == '\n' ? '\n' : ' ');
                }
            } else if (c == '"' || c == '\'') {
                boolean textBlock = c == '"' && code.startsWith("\"\"\"", i);
                String close = textBlock ? "\"\"\"" : String.valueOf(c);
                int j = i + close.length();
                while (j < code.length() && !code.startsWith(close, j)) {
                    j += code.charAt(j) == '\\' ? 2 : 1;
                }
                j = Math.min(code.length(), j + close.length());
                out.append(code, i, j);
                i = j;
            } else {
                out.append(c);
                i++;
            }
        }
        return out.toString();
    }

    static int lineOf(String code, int offset) {
        return count(code, '\n', 0, Math.min(offset, code.length())) + 1;
    }

    private static int count(String s, char c, int from, int end) {
        int n = 0;
        for (int i = from; i < end && i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
