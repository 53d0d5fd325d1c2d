package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;

/**
 * Evaluates the Java of a cell in JShell: one snippet at a time ({@code JShell.eval} takes only the
 * first snippet of its input), in order, stopping at the first error. {@link SnippetBlocks} cuts the cell,
 * {@link FailedSnippets} takes back what a failed snippet did, {@link LiveDefinitions} keeps the notebook's live
 * definitions, {@link ErrorRenderer} words what went wrong, {@link CellLines} remembers where each snippet came from.
 */
final class SnippetEvaluator {
    private final JShell jshell;
    private final CellLines cellLines;
    private final ErrorRenderer errors;
    private final LiveDefinitions definitions = new LiveDefinitions();
    private final FailedSnippets failed;
    private final SpentSnippets spent;
    /** Numbers the {@link ShownValue} variables: each is dropped once its value was taken. */
    private int shownValues;
    private int shownAsDeclarations;

    SnippetEvaluator(JShell jshell, Runnable freshCompiler) {
        this(jshell, freshCompiler, SpentSnippets.RENEW_EVERY);
    }

    /** {@code renewCompilerEvery}: see {@link SpentSnippets}. */
    SnippetEvaluator(JShell jshell, Runnable freshCompiler, int renewCompilerEvery) {
        this.jshell = jshell;
        this.failed = new FailedSnippets(jshell, definitions, freshCompiler);
        this.cellLines = new CellLines(jshell);
        this.errors = new ErrorRenderer(jshell, cellLines);
        this.spent = new SpentSnippets(jshell, renewCompilerEvery);
    }

    /** Runs a cell's Java; {@code stopRequested} says the cell was interrupted (JShell's stop came). */
    CellResult evaluate(String cellLabel, String code, BooleanSupplier stopRequested) {
        return evaluate(cellLabel, code, stopRequested, () -> false);
    }

    /**
     * As above, for a subshell's cell: while {@code othersRunning} says another shell's cell runs, a
     * snippet that would replace a live definition is refused (see {@link #replacedDefinition}).
     */
    CellResult evaluate(String cellLabel, String code, BooleanSupplier stopRequested, BooleanSupplier othersRunning) {
        String value = null;
        List<String> notes = new ArrayList<>();
        List<SnippetBlocks.Block> segments =
                new ArrayList<>(SnippetBlocks.of(code, jshell.sourceCodeAnalysis()::analyzeCompletion));
        for (int i = 0; i < segments.size(); i++) {
            SnippetBlocks.Block segment = segments.get(i);
            String source = segment.source();
            int start = segment.start();
            boolean last = i == segments.size() - 1;
            int firstLine = segment.firstLine();

            int oversized = SnippetSplitter.oversizedLiteral(source);
            if (oversized >= 0) {
                if (segment.parts().size() > 1) {
                    segments.remove(i);
                    segments.addAll(i, SnippetBlocks.halves(code, segment));
                    i--;
                    continue;
                }
                return ErrorRenderer.errorAt(List.of(new ErrorRenderer.Problem(ErrorRenderer.STRING_LIMIT, oversized)), code, start, cellLabel, List.of());
            }
            String replaced = othersRunning.getAsBoolean() ? replacedDefinition(source) : null;
            if (replaced != null) {
                String why = "A subshell cannot replace " + replaced + " while another cell is running: JShell"
                        + " replaces it in place, and the running cell would use the new one from then on (a"
                        + " counter reset under it). Give it a new name, or run this when the other cell has ended.";
                return CellResult.error("SubshellRedefinition", why, List.of(why));
            }
            CellResult beforehand = checkVariableReplacement(source, code, start, cellLabel);
            if (beforehand != null) {
                return beforehand;
            }
            evaluatingFirstLine = firstLine;
            List<SnippetEvent> events = last && segment.parts().size() <= 1 ? shownValue(source) : null;
            if (events == null) {
                events = jshell.eval(source);
            }
            value = null;
            FailedSnippets.Failure failure = failed.failure(events);
            if (failure != null) {
                List<String> lost = failed.undo(events, cellLabel, !failure.limits().isEmpty());
                if (segment.parts().size() > 1) {
                    // The merged block did not compile (nothing ran): take it in halves, down to single
                    // statements, so the error, if any, is JShell's own for the statement at fault.
                    segments.remove(i);
                    segments.addAll(i, SnippetBlocks.halves(code, segment));
                    i--;
                    continue;
                }
                return failure.limits().isEmpty()
                        ? errors.compileError(failure.snippet(), failure.diags(), code, start, cellLabel, lost)
                        : ErrorRenderer.errorAt(failure.limits(), code, start, cellLabel, lost);
            }
            definitions.track(events, cellLabel, firstLine);
            cellLines.remember(events);
            announce(events, firstLine);
            for (SnippetEvent event : events) {
                if (event.causeSnippet() != null) {
                    continue; // a dependent snippet updated because of this one
                }
                Snippet snippet = event.snippet();
                cellLines.place(snippet.id(), cellLabel, firstLine);
                try {
                    if (event.exception() != null) {
                        if (stopRequested.getAsBoolean()) {
                            return CellResult.interrupted(interruptedMessage());
                        }
                        return errors.runtimeError(event.exception());
                    }
                    if (stopRequested.getAsBoolean()) {
                        // JShell reports a stopped snippet as valid, with no value and no exception.
                        return CellResult.interrupted(interruptedMessage());
                    }
                    ErrorRenderer.warnings(snippet, notes);
                    if ((event.status() == Snippet.Status.RECOVERABLE_DEFINED
                            || event.status() == Snippet.Status.RECOVERABLE_NOT_DEFINED)
                            && snippet instanceof DeclarationSnippet declaration) {
                        notes.add(errors.unresolvedNote(declaration));
                    }
                    if (last && shows(snippet) && !SnippetSplitter.endsWithSemicolon(code.substring(Math.max(0, start)))) {
                        value = event.value();
                    }
                } finally {
                    // Also after an exception: a $12 left behind would be imported into every later snippet.
                    forgetTemporary(snippet);
                    spent.forget(snippet);
                }
            }
        }
        return CellResult.ok(value, notes);
    }

    /**
     * The last snippet's events when JShell took it as a {@link ShownValue} declaration and compiled it;
     * null when it is no such snippet, or did not compile so (what that left is dropped: the snippet goes
     * to JShell as it is).
     */
    private List<SnippetEvent> shownValue(String source) {
        String declaration = ShownValue.declaration(source, ++shownValues);
        if (declaration == null) {
            return null;
        }
        List<SnippetEvent> events = jshell.eval(declaration);
        boolean compiled = events.stream().anyMatch(e -> e.causeSnippet() == null && ShownValue.isOne(e.snippet())
                && e.status() == Snippet.Status.VALID);
        if (compiled) {
            shownAsDeclarations++;
            return events;
        }
        for (SnippetEvent event : events) {
            if (event.causeSnippet() == null) {
                if (jshell.status(event.snippet()).isActive()) {
                    jshell.drop(event.snippet());
                }
                spent.forget(event.snippet());
            }
        }
        return null;
    }

    /** How many cells' values JShell compiled as {@link ShownValue} declarations. */
    int shownAsDeclarations() {
        return shownAsDeclarations;
    }

    /** Below this size, a snippet cannot break a class-file limit (64 KB of code or constants). */
    private static final int LIMIT_CHECK_CHARS = 16_000;

    private static final String CHECK_PREFIX = "void $threadbookCheck() {\n";

    /**
     * A large declaration of a variable that already exists is first compiled as a local variable of a
     * method that never runs: JShell replaces the old variable before it finds out that the new one
     * breaks a class-file limit, and {@link FailedSnippets} can bring a replaced variable back only when
     * its type has a name. Null if the declaration may go ahead.
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
        FailedSnippets.Failure failure = failed.failure(events);
        if (failure != null && !failure.limits().isEmpty()) {
            failed.undo(events, cellLabel, true);
            int shift = start - CHECK_PREFIX.length();
            return ErrorRenderer.errorAt(failure.limits(), code, shift, cellLabel, List.of());
        }
        failed.dropNew(events);
        return null;
    }

    /**
     * What the snippet would replace ("the variable counter", "the method work(int)"), or null if it defines
     * only new names. JShell replaces a definition in place (the same wrapper class, redefined through JDI,
     * its field set anew), so the running cell changes under its feet: measured beside a running loop, a
     * redefined {@code step()} made the loop add 1000 instead of 1 from its next round on, and a replaced
     * {@code AtomicLong hits} made it count on from the new object's -1.
     */
    private String replacedDefinition(String source) {
        for (Snippet s : jshell.sourceCodeAnalysis().sourceToSnippets(source)) {
            if (s instanceof jdk.jshell.VarSnippet v
                    && jshell.variables().anyMatch(old -> jshell.status(old).isActive() && old.name().equals(v.name()))) {
                return "the variable " + v.name();
            }
            if (s instanceof jdk.jshell.TypeDeclSnippet t
                    && jshell.types().anyMatch(old -> jshell.status(old).isActive() && old.name().equals(t.name()))) {
                return "the type " + t.name();
            }
            if (s instanceof jdk.jshell.MethodSnippet m && jshell.methods().anyMatch(old -> jshell.status(old).isActive()
                    && old.name().equals(m.name()) && java.util.Objects.equals(old.parameterTypes(), m.parameterTypes()))) {
                return "the method " + m.name() + "(" + m.parameterTypes() + ")";
            }
        }
        return null;
    }

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

    /** Tells the debugger, if one listens, which wrapper class each new definition of this segment is. */
    private void announce(List<SnippetEvent> events, int firstLine) {
        DebugHooks hooks = debugHooks;
        if (hooks == null) {
            return;
        }
        for (SnippetEvent event : events) {
            if (!event.status().isDefined() || event.causeSnippet() != null) {
                continue;
            }
            try {
                jdk.jshell.SourceCodeAnalysis.SnippetWrapper w = jshell.sourceCodeAnalysis().wrapper(event.snippet());
                hooks.snippet(w.fullClassName(), w, firstLine);
            } catch (RuntimeException e) {
                // no wrapper (an import): nothing to map
            }
        }
    }

    /** What JShell's compiler keeps of spent snippets (see {@link SpentSnippets}). */
    SpentSnippets spent() {
        return spent;
    }

    /** Where a frame of the notebook's code is ("cell [3], line 5"); null for a frame outside the notebook. */
    String where(StackTraceElement frame) {
        return cellLines.where(frame);
    }

    /** The notebook's live methods, types and imports, in order, to define again in a new session. */
    List<Definition> definitions() {
        return definitions.all();
    }

    /**
     * Drops the variable JShell makes for the value of an expression ({@code $12}) once the value was
     * taken: the kernel never shows those names, and each one stays in every later snippet's imports, so
     * that each {@code 1 + 1} would make every later cell slower (27 to 70 ms over 600 cells, measured). The value
     * object lives on in the agent (the class that holds it stays loaded) for a rich display of it.
     */
    private void forgetTemporary(Snippet snippet) {
        if (ShownValue.holdsShownValue(snippet) && jshell.status(snippet).isActive()) {
            jshell.drop(snippet);
        }
    }

    /**
     * Like IPython, a cell shows the value of its last expression only when it does not end with a
     * semicolon: {@code list.size()} shows the size, {@code list.add(x);} shows nothing.
     */
    private static boolean shows(Snippet snippet) {
        return ShownValue.holdsShownValue(snippet)
                || snippet.subKind() == Snippet.SubKind.VAR_VALUE_SUBKIND
                || snippet.subKind() == Snippet.SubKind.OTHER_EXPRESSION_SUBKIND;
    }

    private static String interruptedMessage() {
        return "The cell was interrupted.";
    }

}
