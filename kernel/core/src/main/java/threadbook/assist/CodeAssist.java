package threadbook.assist;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import jdk.jshell.JShell;
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
    private final JShell jshell;

    /** {@code jshell} gives the notebook's own definitions (their source); null if there are none to show. */
    public CodeAssist(SourceCodeAnalysis analysis, JShell jshell) {
        this.analysis = analysis;
        this.jshell = jshell;
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

    /** What inspect shows: the same as plain text and as Markdown; both empty when nothing was found. */
    public record Inspection(String text, String markdown) {
        public static final Inspection NONE = new Inspection("", "");

        public boolean found() {
            return !text.isEmpty();
        }
    }

    /** The signature and javadoc of what is at {@code cursor}; at detail level 1 also the source of what the notebook defined. */
    public Inspection inspect(String code, int cursor, int detailLevel) {
        int[] name = nameAround(code, cursor);
        // The whole identifier counts, not its part left of the cursor: Str|ing is String.
        List<Documentation> docs = analysis.documentation(code, name[1], true);
        if (docs.isEmpty() && name[1] != cursor) {
            docs = analysis.documentation(code, cursor, true);
        }
        if (docs.isEmpty() && name[1] > name[0]) {
            // JShell documents a method from inside its parentheses: try the name as a call.
            docs = analysis.documentation(code.substring(0, name[1]) + "(", name[1] + 1, true);
        }
        StringBuilder text = new StringBuilder();
        StringBuilder markdown = new StringBuilder();
        for (Documentation doc : docs) {
            if (text.length() > 0) {
                text.append("\n\n");
                markdown.append("\n\n---\n\n");
            }
            text.append(doc.signature());
            markdown.append("```java\n").append(doc.signature()).append("\n```");
            String javadoc = Javadoc.toText(doc.javadoc());
            if (!javadoc.isEmpty()) {
                text.append("\n\n").append(javadoc);
                markdown.append("\n\n").append(Javadoc.toMarkdown(doc.javadoc()));
            }
        }
        if (detailLevel > 0 && jshell != null) {
            for (String source : notebookSources(code.substring(name[0], name[1]))) {
                text.append(text.length() > 0 ? "\n\n" : "").append("Source:\n").append(source.strip());
                markdown.append(markdown.length() > 0 ? "\n\n" : "").append("**Source:**\n\n```java\n")
                        .append(source.strip()).append("\n```");
            }
        }
        return new Inspection(text.toString(), markdown.toString());
    }

    /**
     * The start and end of the (possibly qualified) name around {@code cursor}: {@code java.util.Hash|Map}
     * gives java.util.HashMap, {@code Thread.sl|eep} gives Thread.sleep.
     */
    public static int[] nameAround(String code, int cursor) {
        int end = cursor;
        while (end < code.length() && Character.isJavaIdentifierPart(code.charAt(end))) {
            end++;
        }
        int start = cursor;
        while (start > 0) {
            char c = code.charAt(start - 1);
            if (Character.isJavaIdentifierPart(c)) {
                start--;
            } else if (c == '.' && start >= 2 && Character.isJavaIdentifierPart(code.charAt(start - 2))) {
                start--;
            } else {
                break;
            }
        }
        return new int[] {start, end};
    }

    /** The source of the notebook's methods and types with this (last) name, or of the type that qualifies it. */
    private List<String> notebookSources(String qualifiedName) {
        if (qualifiedName.isEmpty()) {
            return List.of();
        }
        String[] parts = qualifiedName.split("\\.");
        List<String> found = sourcesNamed(parts[parts.length - 1]);
        if (found.isEmpty() && parts.length > 1) {
            found = sourcesNamed(parts[parts.length - 2]);
        }
        return found;
    }

    private List<String> sourcesNamed(String name) {
        List<String> found = new ArrayList<>();
        jshell.methods().filter(m -> m.name().equals(name) && jshell.status(m).isActive()).forEach(m -> found.add(m.source()));
        jshell.types().filter(t -> t.name().equals(name) && jshell.status(t).isActive()).forEach(t -> found.add(t.source()));
        return found;
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
        return scan(code)[0];
    }

    /**
     * The brackets open at the end of the code, and 1 if it ends inside a block comment or a text
     * block (0 otherwise), ignoring brackets in strings and comments.
     */
    static int[] scan(String code) {
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
        return new int[] {depth, blockComment || inTextBlock ? 1 : 0};
    }
}
