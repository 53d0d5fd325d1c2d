package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import jdk.jshell.Snippet;
import jdk.jshell.VarSnippet;

/**
 * A cell's last expression, the one whose value the cell shows, given to JShell as a declaration it compiles
 * in fewer javac runs. For an expression such as {@code 1 + 1}, JShell runs javac twice before it compiles
 * the snippet: once to learn whether the expression has a value at all (a call of a void method has none),
 * once for the type of the variable ({@code $12}) that will hold it. For {@code java.lang.Object $v = 1 + 1}
 * it runs neither: the type is written. The value the cell shows is the same object either way (JShell
 * boxes an expression's value to hand it over).
 *
 * <p>Only an expression that cannot be void is given so, and that is decided from its text alone: one that
 * does not end in a method call ({@code a + b}, {@code x}, {@code arr[i]}, {@code new Foo(1)}, {@code obj.field}),
 * with no braces, lambda arrow or semicolon, not starting with a keyword (a {@code switch} would turn from a
 * statement into a switch expression), and no assignment to a name ({@code x = 7} shows nothing). Whatever
 * does not compile as such a declaration (a lambda, which has no type of its own; a name not declared yet; a
 * class name) is dropped and given to JShell as it was, so that the cell's error, if any, is JShell's own, with
 * its positions. What runs is the same code: only a snippet
 * that compiled runs.
 */
final class ShownValue {
    /** The start of the variables' names: no notebook has a reason to use it. */
    static final String NAME_PREFIX = "$threadbookValue";

    /** Keywords that may start an expression with a value. */
    private static final Set<String> EXPRESSION_KEYWORDS = Set.of("new", "true", "false", "null");

    /** Java's keywords, contextual ones that start declarations included. */
    private static final Set<String> KEYWORDS = Set.of("abstract", "assert", "boolean", "break", "byte", "case",
            "catch", "char", "class", "const", "continue", "default", "do", "double", "else", "enum", "extends",
            "final", "finally", "float", "for", "goto", "if", "implements", "import", "instanceof", "int",
            "interface", "long", "native", "new", "package", "private", "protected", "public", "return", "short",
            "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
            "void", "volatile", "while", "true", "false", "null", "var", "record", "sealed",
            "permits", "yield");

    /** What a qualified, generic type name has besides words: {@code java.util.Map<String, List<?>>[]}. */
    private static final Set<String> TYPE_NAME_PUNCTUATION = Set.of(".", "<", ">", ",", "?", "[", "]");

    private ShownValue() {
    }

    /**
     * The declaration to give JShell for {@code source}, a snippet whose value the cell shows, with variable
     * number {@code number}; null if the snippet may have no value (or cannot be read without the compiler).
     */
    static String declaration(String source, int number) {
        List<String> tokens = tokens(source);
        if (tokens == null || tokens.isEmpty() || !certainlyHasValue(tokens)) {
            return null;
        }
        // The semicolon on a line of its own: the snippet may end in a line comment.
        return "java.lang.Object " + NAME_PREFIX + number + " = " + source + "\n;";
    }

    /** Whether the snippet is one of those variables. */
    static boolean isOne(Snippet snippet) {
        return snippet instanceof VarSnippet v && v.name().startsWith(NAME_PREFIX);
    }

    /**
     * Whether the snippet is a variable that only holds a value to show: JShell's {@code $12} of an expression,
     * or one of these. The kernel shows its value, then drops it and forgets its class file.
     */
    static boolean holdsShownValue(Snippet snippet) {
        return snippet.subKind() == Snippet.SubKind.TEMP_VAR_EXPRESSION_SUBKIND || isOne(snippet);
    }

    private static boolean certainlyHasValue(List<String> tokens) {
        String first = tokens.get(0);
        if (KEYWORDS.contains(first) && !EXPRESSION_KEYWORDS.contains(first) || first.equals("@") || first.equals("<")) {
            return false;
        }
        // An assignment to a name ("x = 7") shows nothing, as in IPython; JShell tells it apart by its tree.
        if (tokens.size() > 2 && isWord(first) && tokens.get(1).equals("=") && !tokens.get(2).equals("=")) {
            return false;
        }
        for (int i = 0; i < tokens.size(); i++) {
            String t = tokens.get(i);
            if (t.equals("{") || t.equals("}") || t.equals(";") || t.equals("->")) {
                return false;
            }
            // Two words in a row, as in a declaration without initializer ("String s"); "new Foo", "x instanceof Foo" are expressions.
            if (i + 1 < tokens.size() && isWord(t) && isWord(tokens.get(i + 1)) && !t.equals("new")
                    && !t.equals("instanceof") && !tokens.get(i + 1).equals("instanceof")) {
                return false;
            }
        }
        return !endsInMethodCall(tokens);
    }

    /**
     * Whether the last token closes the argument list of a method call. A constructor's ({@code new a.Foo<T>(x)})
     * has a value; a parenthesized expression or a cast's operand is no call.
     */
    private static boolean endsInMethodCall(List<String> tokens) {
        int last = tokens.size() - 1;
        if (!tokens.get(last).equals(")")) {
            return false;
        }
        int depth = 0;
        int open = -1;
        for (int i = last; i >= 0; i--) {
            String t = tokens.get(i);
            if (t.equals(")") || t.equals("]")) {
                depth++;
            } else if (t.equals("(") || t.equals("[")) {
                depth--;
                if (depth == 0) {
                    open = i;
                    break;
                }
            }
        }
        if (open <= 0) {
            return open < 0;
        }
        String before = tokens.get(open - 1);
        if (!isWord(before) && !before.equals(">")) {
            return false;
        }
        // Back over the (qualified, maybe generic) name before the parenthesis: a constructor if "new" comes first.
        int k = open - 1;
        while (k >= 0 && (isWord(tokens.get(k)) && !tokens.get(k).equals("new") || TYPE_NAME_PUNCTUATION.contains(tokens.get(k)))) {
            k--;
        }
        return k < 0 || !tokens.get(k).equals("new");
    }

    private static boolean isWord(String token) {
        return Character.isJavaIdentifierStart(token.charAt(0));
    }

    /**
     * The snippet's tokens: words and numbers whole, literals as one token, "->" and "::" as one, any other
     * character on its own; comments and whitespace left out. Null where only the compiler can read the text
     * (a unicode escape, an unclosed literal or comment).
     */
    static List<String> tokens(String source) {
        if (source.contains("\\u")) {
            return null;
        }
        List<String> tokens = new ArrayList<>();
        int i = 0;
        while (true) {
            i = SnippetSplitter.skipBlank(source, i);
            if (i < 0) {
                return null;
            }
            if (i >= source.length()) {
                return tokens;
            }
            char c = source.charAt(i);
            int end;
            if (Character.isJavaIdentifierPart(c) || c == '.' && i + 1 < source.length() && Character.isDigit(source.charAt(i + 1))) {
                end = i + 1;
                while (end < source.length() && (Character.isJavaIdentifierPart(source.charAt(end))
                        || Character.isDigit(c) && source.charAt(end) == '.')) {
                    end++;
                }
            } else if (c == '"' || c == '\'') {
                end = SnippetSplitter.literalEnd(source, i);
                if (end < 0) {
                    return null;
                }
            } else if (source.startsWith("->", i) || source.startsWith("::", i)) {
                end = i + 2;
            } else {
                end = i + 1;
            }
            tokens.add(source.substring(i, end));
            i = end;
        }
    }
}
