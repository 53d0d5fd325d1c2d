package threadbook.debug;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;

/**
 * Where the notebook's code is, for the debugger: each cell's source path (named as JupyterLab names it),
 * and for each of JShell's wrapper classes, the cell and line its snippet came from. JDI speaks of wrapper
 * classes and wrapper lines; JupyterLab of cells and cell lines: this maps one to the other, both ways.
 */
final class CellSources {
    static final String SUFFIX = ".jshell";

    /** A snippet of a cell: JShell's wrapper class around it, and the cell line its segment starts on. */
    record Snippet(String path, String className, SnippetWrapper wrapper, int firstLine) {}

    /** A line of a cell. */
    record Place(String path, int line) {}

    private final String prefix;
    private final Map<String, String> codeByPath = new ConcurrentHashMap<>();
    private final Map<String, Snippet> byClass = new ConcurrentHashMap<>();
    /**
     * A definition's code (stripped) → the cell and line it came from. Kept across Java sessions: a new
     * one defines the methods and classes again from their code alone, without the cell.
     */
    private final Map<String, Origin> origins = new ConcurrentHashMap<>();

    private record Origin(String path, int firstLine) {}
    private volatile String running;

    CellSources(String prefix) {
        this.prefix = prefix;
    }

    String prefix() {
        return prefix;
    }

    String path(String code) {
        return prefix + Murmur2.hash(code, Murmur2.SEED) + SUFFIX;
    }

    /** Remembers a cell's code (dumpCell, or a cell about to run); returns its path. */
    String dump(String code) {
        String path = path(code);
        codeByPath.put(path, code);
        return path;
    }

    /** The cell whose snippets JShell evaluates from now on. */
    void running(String code) {
        running = dump(code);
    }

    String code(String path) {
        return codeByPath.get(path);
    }

    Map<String, String> cells() {
        return Map.copyOf(codeByPath);
    }

    /** A snippet of the running cell got its wrapper class; null if no cell runs (the session's own setup). */
    Snippet define(String className, SnippetWrapper wrapper, int firstLine) {
        String path = running;
        if (path == null) {
            return null;
        }
        Snippet s = new Snippet(path, className, wrapper, firstLine);
        byClass.put(className, s);
        origins.put(wrapper.source().strip(), new Origin(path, firstLine));
        return s;
    }

    /**
     * A definition a new Java session made again (after a restart or System.exit) got its wrapper class:
     * it maps to the cell it first came from. Null if no cell of this kernel defined that code.
     */
    Snippet redefined(String className, SnippetWrapper wrapper) {
        Origin o = origins.get(wrapper.source().strip());
        if (o == null) {
            return null;
        }
        Snippet s = new Snippet(o.path(), className, wrapper, o.firstLine());
        byClass.put(className, s);
        return s;
    }

    List<Snippet> snippets(String path) {
        List<Snippet> list = new ArrayList<>();
        for (Snippet s : byClass.values()) {
            if (s.path().equals(path)) {
                list.add(s);
            }
        }
        return list;
    }

    /** Forgets the wrapper classes (a new Java session has its own). */
    void forgetClasses() {
        byClass.clear();
    }

    /** The wrapper class of a class JDI names ("REPL.$JShell$12$Counter" → "REPL.$JShell$12"); null if none. */
    static String wrapperClass(String typeName) {
        int at = typeName.indexOf("$JShell$");
        if (at < 0) {
            return null;
        }
        int nested = typeName.indexOf('$', at + 8);
        return nested < 0 ? typeName : typeName.substring(0, nested);
    }

    Snippet snippetOf(String typeName) {
        String outer = wrapperClass(typeName);
        return outer == null ? null : byClass.get(outer);
    }

    /** The cell line of a line of a wrapper class (or a class nested in it); null outside the notebook's lines. */
    Place place(String typeName, int wrappedLine) {
        Snippet s = snippetOf(typeName);
        if (s == null || wrappedLine < 1) {
            return null;
        }
        String wrapped = s.wrapper().wrapped();
        int position = startOfLine(wrapped, wrappedLine);
        if (position < 0) {
            return null;
        }
        while (position < wrapped.length() && (wrapped.charAt(position) == ' ' || wrapped.charAt(position) == '\t')) {
            position++;
        }
        int inSource = s.wrapper().wrappedToSourcePosition(position);
        if (inSource < 0) {
            return null;
        }
        String source = s.wrapper().source();
        int line = s.firstLine() + lineOf(source, inSource) - 1 - leadingBreaks(source);
        String code = codeByPath.get(s.path());
        // The closing brace the kernel adds to a merged block of statements is on no line of the cell.
        return code != null && line > lineCount(code) ? null : new Place(s.path(), line);
    }

    /**
     * The wrapper lines that hold code of cell line {@code cellLine} of snippet {@code s}, in order; empty if
     * the snippet has no code there. Every character of the line is mapped, not only its first: JShell moves
     * parts of a line apart (in {@code int r = twice(a);} the type and name become a field, the initializer a
     * statement of {@code do_it$} some lines further down).
     */
    static List<Integer> wrappedLines(Snippet s, int cellLine) {
        String source = s.wrapper().source();
        int sourceLine = cellLine - s.firstLine() + 1 + leadingBreaks(source);
        int position = startOfLine(source, sourceLine);
        List<Integer> lines = new ArrayList<>();
        if (position < 0) {
            return lines;
        }
        String wrapped = s.wrapper().wrapped();
        for (int p = position; p < source.length() && source.charAt(p) != '\n'; p++) {
            if (Character.isWhitespace(source.charAt(p))) {
                continue;
            }
            int inWrapped = s.wrapper().sourceToWrappedPosition(p);
            if (inWrapped >= 0) {
                int line = lineOf(wrapped, inWrapped);
                if (!lines.contains(line)) {
                    lines.add(line);
                }
            }
        }
        return lines;
    }

    /** Whether wrapper line {@code wrappedLine} is JShell's {@code int x_ =} before a variable's initializer. */
    static boolean isInitializerTarget(Snippet s, int wrappedLine) {
        String wrapped = s.wrapper().wrapped();
        int start = startOfLine(wrapped, wrappedLine);
        if (start < 0) {
            return false;
        }
        int end = wrapped.indexOf('\n', start);
        return wrapped.substring(start, end < 0 ? wrapped.length() : end).strip().endsWith("_ =");
    }

    /** JShell's source keeps the line breaks before a snippet's first character; the segment's first line is that character's. */
    private static int leadingBreaks(String source) {
        int i = 0;
        while (i < source.length() && Character.isWhitespace(source.charAt(i))) {
            i++;
        }
        return lineOf(source, Math.min(i, source.length())) - 1;
    }

    static int lineOf(String text, int offset) {
        int line = 1;
        for (int i = 0; i < offset && i < text.length(); i++) {
            if (text.charAt(i) == '\n') {
                line++;
            }
        }
        return line;
    }

    /** The offset where 1-based line {@code line} starts; -1 past the end. */
    static int startOfLine(String text, int line) {
        if (line < 1) {
            return -1;
        }
        int position = 0;
        for (int l = 1; l < line; l++) {
            int next = text.indexOf('\n', position);
            if (next < 0) {
                return -1;
            }
            position = next + 1;
        }
        return position;
    }

    static int lineCount(String text) {
        return lineOf(text, text.length());
    }
}
