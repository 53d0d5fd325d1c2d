package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;

/** What the debugger reads of JShell's tables: the live snippets' wrapper classes and the notebook's variables. */
final class NotebookTables {
    private final JShell jshell;
    private final SnippetEvaluator evaluator;

    NotebookTables(JShell jshell, SnippetEvaluator evaluator) {
        this.jshell = jshell;
        this.evaluator = evaluator;
    }

    /**
     * The wrapper classes of the methods, types and variables live in this session: for a debugger that
     * starts following it after they were defined (the definitions a new session makes again).
     */
    List<SnippetWrapper> liveWrappers() {
        List<SnippetWrapper> list = new ArrayList<>();
        jshell.snippets().filter(sn -> jshell.status(sn).isActive()).forEach(sn -> {
            try {
                list.add(jshell.sourceCodeAnalysis().wrapper(sn));
            } catch (RuntimeException e) {
                // no wrapper (an import)
            }
        });
        return list;
    }

    /** Tells the debugger which snippet a wrapper class about to run is (JShell has defined it, not yet returned it). */
    void announce(DebugHooks hooks, String className) {
        List<Snippet> all = jshell.snippets().toList();
        for (int i = all.size() - 1; i >= 0; i--) {
            try {
                SnippetWrapper w = jshell.sourceCodeAnalysis().wrapper(all.get(i));
                if (className.equals(w.fullClassName())) {
                    hooks.snippet(className, w, evaluator.evaluatingFirstLine());
                    return;
                }
            } catch (RuntimeException e) {
                // a snippet without a class (an import, a failed one)
            }
        }
    }

    /**
     * The notebook's live variables, in the order declared. Safe beside a running cell (it reads JShell's
     * tables only); a table changing meanwhile gives an empty list, asked again later.
     */
    List<NotebookVariable> variables() {
        List<NotebookVariable> vars = new ArrayList<>();
        try {
            jshell.variables().filter(v -> jshell.status(v).isActive()).forEach(v -> {
                try {
                    vars.add(new NotebookVariable(v.name(), v.typeName(),
                            jshell.sourceCodeAnalysis().wrapper(v).fullClassName()));
                } catch (RuntimeException e) {
                    // no class for it
                }
            });
        } catch (RuntimeException e) {
            return List.of();
        }
        return vars;
    }
}
