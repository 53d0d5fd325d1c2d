package threadbook.magic;

import java.util.ArrayList;
import java.util.List;

/**
 * Splits a cell into what runs, in order: Java, line magics ({@code %name args} alone on a line), or one
 * cell magic ({@code %%name args} on the first line, the rest its body). Java pieces keep their place:
 * they are padded with the lines before them, so errors name the right line of the cell.
 */
public final class MagicParser {
    private MagicParser() {}

    /** One thing to run. {@code body} is set for cell magics; {@code code} for Java. */
    public record Step(Kind kind, String name, String args, String body, String code, int firstLine) {
        public enum Kind { JAVA, LINE_MAGIC, CELL_MAGIC }
    }

    public static List<Step> parse(String cell) {
        List<Step> steps = new ArrayList<>();
        String firstLineText = cell.lines().findFirst().orElse("");
        String stripped = cell.stripLeading();
        if (stripped.startsWith("%%")) {
            int skipped = cell.length() - stripped.length();
            int leadingLines = (int) cell.substring(0, skipped).chars().filter(c -> c == '\n').count();
            int end = stripped.indexOf('\n');
            String header = (end < 0 ? stripped : stripped.substring(0, end)).substring(2).strip();
            String body = end < 0 ? "" : "\n".repeat(leadingLines + 1) + stripped.substring(end + 1);
            String[] nameAndArgs = header.split("\\s+", 2);
            steps.add(new Step(Step.Kind.CELL_MAGIC, nameAndArgs[0], nameAndArgs.length > 1 ? nameAndArgs[1] : "",
                    body, null, leadingLines + 1));
            return steps;
        }
        String[] lines = cell.split("\n", -1);
        StringBuilder java = new StringBuilder();
        int javaStart = 1;
        boolean javaHasCode = false;
        Open open = Open.NOTHING;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            String t = line.strip();
            if (open == Open.NOTHING && t.startsWith("%") && !t.startsWith("%%")) {
                if (javaHasCode) {
                    steps.add(new Step(Step.Kind.JAVA, null, null, null, java.toString(), javaStart));
                }
                java.setLength(0);
                javaHasCode = false;
                String[] nameAndArgs = t.substring(1).split("\\s+", 2);
                steps.add(new Step(Step.Kind.LINE_MAGIC, nameAndArgs[0], nameAndArgs.length > 1 ? nameAndArgs[1] : "",
                        null, null, i + 1));
                java.append("\n".repeat(i + 1)); // keep the following Java on its own line numbers
                javaStart = i + 2;
            } else {
                java.append(line);
                if (i < lines.length - 1) {
                    java.append('\n');
                }
                javaHasCode |= !t.isEmpty();
                open = openAfter(line, open);
            }
        }
        if (javaHasCode) {
            steps.add(new Step(Step.Kind.JAVA, null, null, null, java.toString(), javaStart));
        }
        if (steps.isEmpty()) {
            steps.add(new Step(Step.Kind.JAVA, null, null, null, cell, 1));
        }
        return steps;
    }

    /** True if the cell has any magic in it. */
    public static boolean hasMagic(String cell) {
        return parse(cell).stream().anyMatch(step -> step.kind() != Step.Kind.JAVA);
    }

    /** What a Java line leaves open for the next: a line starting with % inside it is text, not a magic. */
    enum Open { NOTHING, TEXT_BLOCK, BLOCK_COMMENT }

    static Open openAfter(String line, Open open) {
        boolean inString = false;
        boolean inChar = false;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            switch (open) {
                case TEXT_BLOCK:
                    if (c == '\\') {
                        i++;
                    } else if (line.startsWith("\"\"\"", i)) {
                        open = Open.NOTHING;
                        i += 2;
                    }
                    continue;
                case BLOCK_COMMENT:
                    if (line.startsWith("*/", i)) {
                        open = Open.NOTHING;
                        i++;
                    }
                    continue;
                default:
                    break;
            }
            if (inString || inChar) {
                if (c == '\\') {
                    i++;
                } else if (c == (inString ? '"' : '\'')) {
                    inString = false;
                    inChar = false;
                }
            } else if (line.startsWith("\"\"\"", i)) {
                open = Open.TEXT_BLOCK;
                i += 2;
            } else if (line.startsWith("/*", i)) {
                open = Open.BLOCK_COMMENT;
                i++;
            } else if (line.startsWith("//", i)) {
                return open;
            } else if (c == '"') {
                inString = true;
            } else if (c == '\'') {
                inChar = true;
            }
        }
        return open;
    }
}
