package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;

/**
 * The pieces of a cell that JShell evaluates one at a time: its snippets, with runs of plain statements
 * merged into one block (one compile instead of many), and a block that fails taken apart again.
 */
final class SnippetBlocks {
    private SnippetBlocks() {
    }

    /** A piece of the cell that JShell evaluates at once; {@code start} is where source's first char stands. */
    record Block(String source, int start, int end, int firstLine, boolean statement, List<Block> parts) {}

    /** The snippets of the cell, in order ({@code JShell.eval} takes only the first snippet of its input). */
    private static List<Block> split(String code, Function<String, CompletionInfo> analyzer) {
        List<Block> segments = new ArrayList<>();
        int line = 1;
        int counted = 0;
        for (SnippetSplitter.Piece piece : SnippetSplitter.split(code, analyzer)) {
            int at = Math.min(Math.max(0, piece.start()), code.length());
            line += SnippetSplitter.count(code, '\n', counted, at);
            counted = at;
            boolean statement = piece.completeness() == Completeness.COMPLETE && isStatement(piece.source());
            segments.add(new Block(piece.source(), piece.start(), piece.end(), line, statement, List.of()));
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
    private static List<Block> mergeStatements(String code, List<Block> segments) {
        List<Block> merged = new ArrayList<>();
        int i = 0;
        while (i < segments.size()) {
            int j = i;
            while (j < segments.size() && segments.get(j).statement()
                    && (j == i || segments.get(j).end() - segments.get(i).start() <= MAX_BLOCK_CHARS)
                    && !(j == segments.size() - 1 && !SnippetSplitter.endsWithSemicolon(code.substring(segments.get(j).start())))) {
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

    private static Block block(String code, List<Block> parts) {
        Block first = parts.get(0);
        Block last = parts.get(parts.size() - 1);
        String block = "{" + code.substring(first.start(), last.end()) + "\n}";
        return new Block(block, first.start() - 1, last.end(), first.firstLine(), true, List.copyOf(parts));
    }

    /** A merged block in two: compiling each half finds a faulty statement in a few steps. */
    static List<Block> halves(String code, Block merged) {
        List<Block> parts = merged.parts();
        int middle = parts.size() / 2;
        List<Block> out = new ArrayList<>();
        for (List<Block> half : List.of(parts.subList(0, middle), parts.subList(middle, parts.size()))) {
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
        String s = SnippetSplitter.withoutComments(source).strip();
        if (!(s.endsWith(";") || s.endsWith("}"))) {
            return false;
        }
        return CONTROL.matcher(s).matches() || CALL.matcher(s).matches() || ASSIGNMENT.matcher(s).matches();
    }

    /** The segments of a cell, in order, plain statements merged. */
    static List<Block> of(String code, Function<String, CompletionInfo> analyzer) {
        return mergeStatements(code, split(code, analyzer));
    }
}
