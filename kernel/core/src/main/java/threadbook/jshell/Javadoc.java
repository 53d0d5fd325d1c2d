package threadbook.jshell;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Javadoc comment text (HTML with inline and block tags) as plain text a person reads in a tooltip. */
public final class Javadoc {
    /** Any inline tag, {@name argument}, where the argument may hold one level of braces. */
    private static final Pattern INLINE = Pattern.compile("\\{@(\\w+)\\s*([^{}]*(?:\\{[^{}]*}[^{}]*)*)}");
    private static final Pattern TAG = Pattern.compile("<[^>]+>");

    private Javadoc() {}

    public static String toText(String javadoc) {
        if (javadoc == null || javadoc.isBlank()) {
            return "";
        }
        String body = javadoc;
        List<String> blocks = new ArrayList<>();
        Matcher block = Pattern.compile("(?m)^\\s*@(param|return|throws|exception|since|see|deprecated|implNote|apiNote|implSpec)\\b").matcher(body);
        if (block.find()) {
            String tags = body.substring(block.start());
            body = body.substring(0, block.start());
            for (String part : tags.split("(?m)^\\s*(?=@\\w)")) {
                if (!part.isBlank()) {
                    blocks.add(renderBlock(part.strip()));
                }
            }
        }
        StringBuilder out = new StringBuilder(inline(body).strip());
        String lastHeading = null;
        for (String b : blocks) {
            if (b.isEmpty()) {
                continue;
            }
            String heading = b.substring(0, b.indexOf('\n') < 0 ? b.length() : b.indexOf('\n'));
            if (heading.equals(lastHeading)) {
                out.append('\n').append(b.substring(b.indexOf('\n') + 1));
            } else {
                out.append("\n\n").append(b);
            }
            lastHeading = heading;
        }
        return out.toString().replaceAll("\n{3,}", "\n\n").strip();
    }

    private static String renderBlock(String part) {
        String rendered = renderBlockLines(part);
        int heading = rendered.indexOf('\n');
        // Continuation lines of an entry are indented under it, as javadoc's HTML shows them.
        return heading < 0 ? rendered : rendered.substring(0, heading + 1)
                + rendered.substring(heading + 1).replace("\n", "\n    ");
    }

    private static String renderBlockLines(String part) {
        String[] words = part.split("\\s+", 3);
        String tag = words[0].substring(1);
        switch (tag) {
            case "param":
                return "Parameters:\n  " + (words.length > 1 ? words[1] : "") + " - " + inline(words.length > 2 ? words[2] : "").strip();
            case "return":
                return "Returns:\n  " + inline(part.substring("@return".length())).strip();
            case "throws":
            case "exception":
                return "Throws:\n  " + (words.length > 1 ? words[1] : "") + " - " + inline(words.length > 2 ? words[2] : "").strip();
            case "since":
                return "Since:\n  " + inline(part.substring("@since".length())).strip();
            case "see":
                return "See also:\n  " + inline(part.substring("@see".length())).strip();
            case "deprecated":
                return "Deprecated:\n  " + inline(part.substring("@deprecated".length())).strip();
            default:
                return "";
        }
    }

    /** Inline tags and HTML to plain text; paragraphs and list items kept as line breaks. */
    static String inline(String text) {
        String s = text;
        Matcher m = INLINE.matcher(s);
        StringBuilder sb = new StringBuilder();
        while (m.find()) {
            String kind = m.group(1);
            String arg = m.group(2).strip();
            String replacement;
            if (kind.equals("code") || kind.equals("literal")) {
                // Code is text, not HTML: keep its angle brackets through the tag stripping below.
                replacement = arg.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
            } else if (kind.startsWith("link") || kind.equals("see")) {
                String[] refAndLabel = arg.split("\\s+", 2);
                replacement = refAndLabel.length > 1 ? refAndLabel[1] : refAndLabel[0].replace('#', '.').replaceFirst("^\\.", "");
            } else if (kind.equals("return")) {
                replacement = "Returns " + arg;
            } else {
                replacement = arg;
            }
            m.appendReplacement(sb, Matcher.quoteReplacement(replacement));
        }
        m.appendTail(sb);
        s = sb.toString();
        s = s.replaceAll("(?i)<\\s*(p|br)\\s*/?>", "\n\n")
                .replaceAll("(?i)<\\s*li\\s*>", "\n - ")
                .replaceAll("(?i)</?\\s*(ul|ol|pre|blockquote|h\\d)\\s*>", "\n");
        s = TAG.matcher(s).replaceAll("");
        s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&amp;", "&");
        return s.replaceAll("[ \t]+", " ").replaceAll(" *\n *", "\n").replaceAll("\n{3,}", "\n\n");
    }
}
