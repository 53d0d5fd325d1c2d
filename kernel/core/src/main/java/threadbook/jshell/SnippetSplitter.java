package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import jdk.jshell.SourceCodeAnalysis.Completeness;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;

/**
 * Cuts a cell into the snippets JShell evaluates one by one. JShell's {@code analyzeCompletion} costs
 * 10-20 ms a call, more the longer the text after the snippet (it is given the whole rest of the cell),
 * so asking it about each of 8,000 statements took minutes. Most snippets are plain: they end at the first
 * semicolon outside brackets and braces, which one pass over the text finds. JShell is asked only about
 * the others (declarations with a body, if/else, switch, a last expression without semicolon), and is
 * shown a window of text around them, not the whole rest.
 */
final class SnippetSplitter {
    private SnippetSplitter() {}

    /**
     * One snippet: {@code source} is what JShell gets, its first character stands at {@code start} of the
     * cell, and the snippet uses the cell's text up to {@code end}.
     */
    record Piece(String source, int start, int end, Completeness completeness) {}

    /** Words after which a semicolon may not end the snippet (an else may follow), or braces come. */
    private static final Set<String> CONTROL = Set.of("if", "else", "for", "while", "do", "try", "catch",
            "finally", "switch", "synchronized", "case", "default");

    private static final int FIRST_WINDOW = 4096;

    static List<Piece> split(String code, Function<String, CompletionInfo> analyzer) {
        List<Piece> pieces = new ArrayList<>();
        // A unicode escape can stand for a quote or a brace: only the compiler can read such a cell.
        boolean lexable = !code.contains("\\u");
        int pos = skipWhitespace(code, 0);
        while (pos < code.length()) {
            int end = lexable ? plainEnd(code, pos) : -1;
            if (end > 0) {
                pieces.add(new Piece(code.substring(pos, end), pos, end, Completeness.COMPLETE));
                pos = skipWhitespace(code, end);
                continue;
            }
            Piece piece = askJShell(code, pos, analyzer, lexable);
            if (piece == null) {
                break;
            }
            pieces.add(piece);
            pos = skipWhitespace(code, piece.end());
        }
        return pieces;
    }

    /**
     * Asks JShell where the snippet at {@code pos} ends, showing it a growing window of the text. An
     * answer from a window counts when the token after the snippet lies inside the window (JShell looks
     * one token ahead: an {@code else} after an if).
     */
    private static Piece askJShell(String code, int pos, Function<String, CompletionInfo> analyzer, boolean lexable) {
        int size = FIRST_WINDOW;
        while (true) {
            boolean whole = !lexable || pos + size >= code.length();
            String window = whole ? code.substring(pos) : code.substring(pos, pos + size);
            CompletionInfo info = analyzer.apply(window);
            Completeness completeness = info.completeness();
            if (whole) {
                if (completeness == Completeness.EMPTY) {
                    return null;
                }
                return piece(code, pos, window, info);
            }
            if (completeness.isComplete() || completeness == Completeness.EMPTY) {
                int consumed = window.length() - info.remaining().length();
                int next = nextTokenEnd(code, pos + consumed);
                if (next >= 0 && next <= pos + size) {
                    if (completeness == Completeness.EMPTY) {
                        return new Piece("", pos, pos + consumed, completeness);
                    }
                    return piece(code, pos, window, info);
                }
            }
            size *= 2;
        }
    }

    private static Piece piece(String code, int pos, String window, CompletionInfo info) {
        if (info.completeness().isComplete()) {
            int consumed = window.length() - info.remaining().length();
            return new Piece(info.source(), pos + startOf(info.source(), window), pos + consumed, info.completeness());
        }
        // Unfinished or not Java: the compiler says what is wrong with it.
        return new Piece(window, pos, pos + window.length(), info.completeness());
    }

    /**
     * Where a plain snippet starting at {@code pos} ends (just after its semicolon), or -1 if it is not
     * plain: a brace outside brackets, a control word outside brackets, or no semicolon at all.
     */
    static int plainEnd(String code, int pos) {
        int depth = 0;
        int tokens = 0;
        int i = pos;
        while (true) {
            i = skipBlank(code, i);
            if (i < 0 || i >= code.length()) {
                return -1;
            }
            char c = code.charAt(i);
            if (Character.isJavaIdentifierStart(c)) {
                int j = i + 1;
                while (j < code.length() && Character.isJavaIdentifierPart(code.charAt(j))) {
                    j++;
                }
                if (depth == 0 && CONTROL.contains(code.substring(i, j))) {
                    return -1;
                }
                i = j;
            } else if (c == '"' || c == '\'') {
                i = literalEnd(code, i);
                if (i < 0) {
                    return -1;
                }
            } else {
                if (c == '(' || c == '[') {
                    depth++;
                } else if (c == '{') {
                    if (depth == 0) {
                        return -1;
                    }
                    depth++;
                } else if (c == ')' || c == ']' || c == '}') {
                    depth--;
                    if (depth < 0) {
                        return -1;
                    }
                } else if (c == ';' && depth == 0) {
                    return tokens == 0 ? -1 : i + 1;
                }
                i++;
            }
            tokens++;
        }
    }

    /** The end of the token after {@code pos} (whitespace and comments skipped), or -1 if there is none. */
    private static int nextTokenEnd(String code, int pos) {
        int i = skipBlank(code, pos);
        if (i < 0 || i >= code.length()) {
            return -1;
        }
        char c = code.charAt(i);
        if (Character.isJavaIdentifierStart(c) || Character.isDigit(c)) {
            int j = i + 1;
            while (j < code.length() && Character.isJavaIdentifierPart(code.charAt(j))) {
                j++;
            }
            return j;
        }
        if (c == '"' || c == '\'') {
            return literalEnd(code, i);
        }
        return i + 1;
    }

    /** Skips whitespace and comments; -1 inside a comment that never ends. */
    static int skipBlank(String code, int i) {
        while (i < code.length()) {
            char c = code.charAt(i);
            if (Character.isWhitespace(c)) {
                i++;
            } else if (code.startsWith("//", i)) {
                int nl = code.indexOf('\n', i);
                i = nl < 0 ? code.length() : nl + 1;
            } else if (code.startsWith("/*", i)) {
                int close = code.indexOf("*/", i + 2);
                if (close < 0) {
                    return -1;
                }
                i = close + 2;
            } else {
                return i;
            }
        }
        return i;
    }

    private static int skipWhitespace(String code, int i) {
        while (i < code.length() && Character.isWhitespace(code.charAt(i))) {
            i++;
        }
        return i;
    }

    /** Just after the string, char or text block that opens at {@code i}; -1 if it never closes. */
    static int literalEnd(String code, int i) {
        char quote = code.charAt(i);
        if (quote == '"' && code.startsWith("\"\"\"", i)) {
            int j = i + 3;
            while (j < code.length()) {
                if (code.charAt(j) == '\\') {
                    j += 2;
                } else if (code.startsWith("\"\"\"", j)) {
                    return j + 3;
                } else {
                    j++;
                }
            }
            return -1;
        }
        int j = i + 1;
        while (j < code.length()) {
            char c = code.charAt(j);
            if (c == '\\') {
                j += 2;
            } else if (c == quote) {
                return j + 1;
            } else if (c == '\n') {
                return -1;
            } else {
                j++;
            }
        }
        return -1;
    }

    /** The most bytes a string constant may take in a class file (its length field is 16 bits). */
    static final int MAX_CONSTANT_BYTES = 65_535;

    /**
     * The offset of the first string literal or text block in {@code source} whose value takes more than
     * 65,535 bytes in a class file, or -1. Checked before JShell sees the snippet: a declaration that
     * fails this way would already have replaced the variable or method of the same name.
     */
    static int oversizedLiteral(String source) {
        if (source.length() <= MAX_CONSTANT_BYTES / 3) {
            return -1;
        }
        int i = 0;
        while (i < source.length()) {
            i = skipBlank(source, i);
            if (i < 0 || i >= source.length()) {
                return -1;
            }
            char c = source.charAt(i);
            if (c == '"') {
                int end = literalEnd(source, i);
                if (end < 0) {
                    return -1;
                }
                if (end - i > MAX_CONSTANT_BYTES / 3 && constantBytes(literalValue(source.substring(i, end)))
                        > MAX_CONSTANT_BYTES) {
                    return i;
                }
                i = end;
            } else if (c == '\'') {
                int end = literalEnd(source, i);
                i = end < 0 ? i + 1 : end;
            } else {
                i++;
            }
        }
        return -1;
    }

    private static String literalValue(String literal) {
        try {
            if (literal.startsWith("\"\"\"")) {
                String body = literal.substring(3, literal.length() - 3);
                int nl = body.indexOf('\n');
                return (nl < 0 ? body : body.substring(nl + 1)).stripIndent().translateEscapes();
            }
            return literal.substring(1, literal.length() - 1).translateEscapes();
        } catch (IllegalArgumentException badEscape) {
            return literal; // the compiler reports the bad escape
        }
    }

    /** The length of a string in a class file: modified UTF-8 (a NUL takes 2 bytes, other chars 1 to 3). */
    static long constantBytes(String s) {
        long n = 0;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            n += c != 0 && c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
        }
        return n;
    }

    /** The offset in {@code window} of the snippet's first character (JShell trims the source it returns). */
    private static int startOf(String source, String window) {
        String head = source.lines().findFirst().orElse("").strip();
        if (head.endsWith(";")) {
            head = head.substring(0, head.length() - 1);
        }
        int at = head.isEmpty() ? -1 : window.indexOf(head);
        return at >= 0 ? Math.max(0, at - indexOfNonBlank(source)) : indexOfNonBlank(window);
    }

    static int indexOfNonBlank(String s) {
        for (int i = 0; i < s.length(); i++) {
            if (!Character.isWhitespace(s.charAt(i))) {
                return i;
            }
        }
        return 0;
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

    static int count(String s, char c, int from, int end) {
        int n = 0;
        for (int i = from; i < end && i < s.length(); i++) {
            if (s.charAt(i) == c) {
                n++;
            }
        }
        return n;
    }
}
