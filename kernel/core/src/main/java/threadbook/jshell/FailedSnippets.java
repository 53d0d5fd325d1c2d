package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;
import jdk.jshell.DeclarationSnippet;
import jdk.jshell.Diag;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import jdk.jshell.VarSnippet;

/**
 * Snippets that JShell accepted but could not define for good, found and taken back: nothing of such a snippet may
 * stay, as JShell keeps it, retries it with every later snippet, and fails each of them with the same error.
 */
final class FailedSnippets {
    /** Why a snippet that JShell did not reject still failed; {@code limits} are class-file limits it broke. */
    record Failure(Snippet snippet, List<Diag> diags, List<ErrorRenderer.Problem> limits) {}

    private final JShell jshell;
    private final LiveDefinitions definitions;
    /** Gives JShell a fresh compiler (see {@link #undo}). */
    private final Runnable freshCompiler;

    FailedSnippets(JShell jshell, LiveDefinitions definitions, Runnable freshCompiler) {
        this.jshell = jshell;
        this.definitions = definitions;
        this.freshCompiler = freshCompiler;
    }

    /**
     * The failure among a segment's events, or null: a snippet that JShell rejected (a redefinition it rejects has
     * replaced the definition before it all the same: the old method or type is gone from the session until
     * {@link #undo} defines it again), that broke a limit of the class-file format (javac reports those only when it
     * writes the class), or that has errors no later declaration can fix (nothing it uses is missing). JShell keeps
     * such a snippet as "recoverable"; only one that waits for a missing name is.
     */
    Failure failure(List<SnippetEvent> events) {
        for (SnippetEvent event : events) {
            if (event.causeSnippet() != null) {
                continue;
            }
            Snippet snippet = event.snippet();
            List<Diag> errors = jshell.diagnostics(snippet).filter(Diag::isError).collect(Collectors.toList());
            List<ErrorRenderer.Problem> limits = new ArrayList<>();
            for (Diag d : errors) {
                String limit = ErrorRenderer.limitMessage(d);
                if (limit != null) {
                    limits.add(new ErrorRenderer.Problem(limit, d.getPosition() >= 0 ? d.getPosition() : d.getStartPosition()));
                }
            }
            if (!limits.isEmpty()) {
                return new Failure(snippet, errors, limits);
            }
            if (event.status() == Snippet.Status.REJECTED) {
                return new Failure(snippet, errors, List.of());
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
     * types it replaced (their dependents become valid again with them) and the variables, with the values
     * they had ({@link #declareAgain}). The names of the variables that could not come back are returned, to
     * be told.
     *
     * <p>After a class-file limit ({@code limit}), JShell's compiler also needs replacing: javac adds a class's
     * constants to its pool while generating code and clears the pool only when the class is written, and JShell
     * reuses that compiler. A string over 64 KB or 65,536 constants left there make every later snippet fail the
     * same way.
     */
    List<String> undo(List<SnippetEvent> events, String cellLabel, boolean limit) {
        List<Snippet> failed = new ArrayList<>();
        for (SnippetEvent event : events) {
            if (event.causeSnippet() == null) {
                failed.add(event.snippet());
            }
        }
        List<String> lost = new ArrayList<>();
        dropNew(events);
        if (limit) {
            freshCompiler.run();
        }
        for (SnippetEvent event : events) {
            if (event.causeSnippet() == null || event.status() != Snippet.Status.OVERWRITTEN
                    || !failed.contains(event.causeSnippet())) {
                continue;
            }
            Snippet old = event.snippet();
            if (old instanceof VarSnippet variable) {
                if (!declareAgain(variable)) {
                    lost.add(variable.name());
                }
                continue;
            }
            Definition before = definitions.get(old.id());
            Definition where = before != null ? before : new Definition(old.source(), cellLabel, 1);
            for (SnippetEvent r : jshell.eval(old.source())) {
                if (r.causeSnippet() == null && r.status().isActive()) {
                    definitions.restored(r.snippet().id(), where);
                }
            }
        }
        return lost;
    }

    /**
     * Declares a replaced variable again with the value it had. The value is still in a static field of the old
     * snippet's wrapper class, loaded in the session's JVM: the new declaration reads it from there, so that nothing
     * the old initializer did runs again (it may have had side effects, or taken minutes). False when that does not
     * compile (a type with no name, such as an anonymous class's) or fails: the value is then gone.
     */
    private boolean declareAgain(VarSnippet old) {
        String wrapper;
        try {
            wrapper = jshell.sourceCodeAnalysis().wrapper(old).fullClassName();
        } catch (RuntimeException noWrapper) {
            return false;
        }
        List<SnippetEvent> events = jshell.eval(old.typeName() + " " + old.name() + " = " + wrapper + "." + old.name() + ";");
        boolean back = events.stream().anyMatch(e -> e.causeSnippet() == null && e.status() == Snippet.Status.VALID
                && e.exception() == null);
        if (!back) {
            dropNew(events);
        }
        return back;
    }

    /** Drops what an eval defined itself (not the dependents it updated), where it is still active. */
    void dropNew(List<SnippetEvent> events) {
        for (SnippetEvent event : events) {
            if (event.causeSnippet() == null && jshell.status(event.snippet()).isActive()) {
                jshell.drop(event.snippet());
            }
        }
    }
}
