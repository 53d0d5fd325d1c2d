package threadbook.jshell;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import jdk.jshell.SourceCodeAnalysis.Documentation;
import jdk.jshell.SourceCodeAnalysis.Suggestion;

/** Completion, documentation and "is this cell finished?" for code at a cursor, from JShell's analysis. */
public final class CodeAssist {
    public record Completion(List<String> matches, int start, int end) {}

    /** {@code status} is "complete", "incomplete" or "invalid"; {@code indent} is for the next line. */
    public record Completeness(String status, String indent) {}

    private final SourceCodeAnalysis analysis;

    public CodeAssist(SourceCodeAnalysis analysis) {
        this.analysis = analysis;
    }

    /** Suggestions at {@code cursor} (a UTF-16 index); those that fit the expected type first. */
    public Completion complete(String code, int cursor) {
        int[] anchor = new int[1];
        List<Suggestion> suggestions = analysis.completionSuggestions(code, cursor, anchor);
        Set<String> matches = new LinkedHashSet<>();
        suggestions.stream().filter(Suggestion::matchesType).forEach(s -> matches.add(s.continuation()));
        suggestions.stream().filter(s -> !s.matchesType()).forEach(s -> matches.add(s.continuation()));
        return new Completion(new ArrayList<>(matches), anchor[0], cursor);
    }

    /** The signature and javadoc of what is at {@code cursor}, or "" if there is nothing to show. */
    public String inspect(String code, int cursor) {
        List<Documentation> docs = analysis.documentation(code, cursor, true);
        if (docs.isEmpty()) {
            // JShell documents a method from inside its parentheses: try the name at the cursor as a call.
            int end = cursor;
            while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
                end++;
            }
            docs = analysis.documentation(code.substring(0, end) + "(", end + 1, true);
        }
        StringBuilder text = new StringBuilder();
        for (Documentation doc : docs) {
            if (text.length() > 0) {
                text.append("\n\n");
            }
            text.append(doc.signature());
            String javadoc = Javadoc.toText(doc.javadoc());
            if (!javadoc.isEmpty()) {
                text.append("\n\n").append(javadoc);
            }
        }
        return text.toString();
    }

    public Completeness isComplete(String code) {
        String remaining = code;
        while (true) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            SourceCodeAnalysis.Completeness c = info.completeness();
            switch (c) {
                case EMPTY:
                    return new Completeness("complete", "");
                case COMPLETE:
                case COMPLETE_WITH_SEMI:
                    remaining = info.remaining();
                    if (remaining.isBlank()) {
                        return new Completeness("complete", "");
                    }
                    break;
                case DEFINITELY_INCOMPLETE:
                case CONSIDERED_INCOMPLETE:
                    return new Completeness("incomplete", "    ".repeat(Math.max(0, openBrackets(code))));
                default:
                    return new Completeness("invalid", "");
            }
        }
    }

    /** How many brackets are open at the end of the code, ignoring those in strings and comments. */
    static int openBrackets(String code) {
        int depth = 0;
        boolean inString = false;
        boolean inTextBlock = false;
        boolean inChar = false;
        boolean lineComment = false;
        boolean blockComment = false;
        for (int i = 0; i < code.length(); i++) {
            char c = code.charAt(i);
            char next = i + 1 < code.length() ? code.charAt(i + 1) : 0;
            if (lineComment) {
                lineComment = c != '\n';
            } else if (blockComment) {
                if (c == '*' && next == '/') {
                    blockComment = false;
                    i++;
                }
            } else if (inTextBlock) {
                if (c == '\\') {
                    i++;
                } else if (code.startsWith("\"\"\"", i)) {
                    inTextBlock = false;
                    i += 2;
                }
            } else if (inString || inChar) {
                if (c == '\\') {
                    i++;
                } else if ((inString && c == '"') || (inChar && c == '\'')) {
                    inString = false;
                    inChar = false;
                }
            } else if (c == '/' && next == '/') {
                lineComment = true;
            } else if (c == '/' && next == '*') {
                blockComment = true;
            } else if (code.startsWith("\"\"\"", i)) {
                inTextBlock = true;
                i += 2;
            } else if (c == '"') {
                inString = true;
            } else if (c == '\'') {
                inChar = true;
            } else if (c == '{' || c == '(' || c == '[') {
                depth++;
            } else if (c == '}' || c == ')' || c == ']') {
                depth--;
            }
        }
        return depth;
    }
}
