package threadbook.jshell;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;

/**
 * Which cell and line each snippet came from, so that stack traces, deadlock reports and test failures
 * point at the notebook ("cell [3], line 5") rather than at JShell's wrapper classes.
 */
final class CellLines {
    private final JShell jshell;

    CellLines(JShell jshell) {
        this.jshell = jshell;
    }

    /** Where a snippet came from, so that stack traces can point at cells and lines. */
    private record Origin(String cellLabel, int firstLine) {}
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();

    /**
     * The wrapper class of each snippet, by its full name: a frame of a raw stack trace (not one JShell
     * translated, e.g. a test's failure or a stuck thread's stack) names the wrapper's line, not the cell's.
     */
    private final Map<String, jdk.jshell.SourceCodeAnalysis.SnippetWrapper> wrappers = new ConcurrentHashMap<>();

    private final Map<String, Snippet> snippetsByClass = new ConcurrentHashMap<>();

    /** Keeps the wrapper class of each defined snippet, to map raw frames through. */
    void remember(List<SnippetEvent> events) {
        for (SnippetEvent event : events) {
            if (!event.status().isDefined()) {
                continue;
            }
            try {
                jdk.jshell.SourceCodeAnalysis.SnippetWrapper w = jshell.sourceCodeAnalysis().wrapper(event.snippet());
                wrappers.put(w.fullClassName(), w);
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
        int leadingBreaks = SnippetSplitter.lineOf(source, SnippetSplitter.indexOfNonBlank(source)) - 1;
        return "cell " + origin.cellLabel() + ", line " + (origin.firstLine() + SnippetSplitter.lineOf(source, inSource) - 1 - leadingBreaks);
    }

    /** A frame as a student reads it: "f(cell [3], line 5)" for the notebook's code, as is otherwise. */
    String describe(StackTraceElement frame) {
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


    /** The snippet with this id came from the cell labelled {@code cellLabel}, starting at {@code firstLine}. */
    void place(String snippetId, String cellLabel, int firstLine) {
        origins.put(snippetId, new Origin(cellLabel, firstLine));
    }
}
