package threadbook.assist;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Javadoc comment text (HTML with inline and block tags) as plain text a person reads in a tooltip, or
 * as Markdown. The source's line breaks are not kept (a paragraph becomes one line, which the frontend
 * wraps to its panel's width) except in preformatted code.
 */
public final class Javadoc {
    /** Any inline tag, {@name argument}, where the argument may hold one level of braces. */
    private static final Pattern INLINE = Pattern.compile("\\{@(\\w+)\\s*([^{}]*(?:\\{[^{}]*}[^{}]*)*)}");
    private static final Pattern TAG = Pattern.compile("<[^>]+>");

    private Javadoc() {}

    public static String toText(String javadoc) {
        return render(javadoc, false);
    }

    /** The same as Markdown: code in backticks, preformatted code fenced, block tags as bold headings and lists. */
    public static String toMarkdown(String javadoc) {
        return render(javadoc, true);
    }

    private static String render(String javadoc, boolean markdown) {
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
                    blocks.add(renderBlock(part.strip(), markdown));
                }
            }
        }
        StringBuilder out = new StringBuilder(inline(body, markdown).strip());
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

    private static String renderBlock(String part, boolean markdown) {
        String rendered = renderBlockLines(part, markdown);
        int heading = rendered.indexOf('\n');
        // Continuation lines of an entry are indented under it, as javadoc's HTML shows them.
        return heading < 0 ? rendered : rendered.substring(0, heading + 1)
                + rendered.substring(heading + 1).replace("\n", "\n    ");
    }

    private static String renderBlockLines(String part, boolean md) {
        String[] words = part.split("\\s+", 3);
        String tag = words[0].substring(1);
        String rest = words.length > 2 ? words[2] : "";
        String name = words.length > 1 ? (md ? "`" + words[1] + "`" : words[1]) : "";
        String item = md ? "- " : "  ";
        switch (tag) {
            case "param":
                return heading("Parameters", md) + item + name + " - " + inline(rest, md).strip();
            case "return":
                return heading("Returns", md) + item + inline(part.substring("@return".length()), md).strip();
            case "throws":
            case "exception":
                return heading("Throws", md) + item + name + " - " + inline(rest, md).strip();
            case "since":
                return heading("Since", md) + item + inline(part.substring("@since".length()), md).strip();
            case "see":
                return heading("See also", md) + item + inline(part.substring("@see".length()), md).strip();
            case "deprecated":
                return heading("Deprecated", md) + item + inline(part.substring("@deprecated".length()), md).strip();
            default:
                return "";
        }
    }

    private static String heading(String name, boolean markdown) {
        return markdown ? "**" + name + ":**\n" : name + ":\n";
    }

    static String inline(String text) {
        return inline(text, false);
    }

    /** Inline tags and HTML to plain text; paragraphs and list items kept as line breaks. */
    static String inline(String text, boolean markdown) {
        String s = text;
        Matcher m = INLINE.matcher(s);
        StringBuilder sb = new StringBuilder();
        String lower = s.toLowerCase(java.util.Locale.ROOT);
        while (m.find()) {
            boolean inPre = lower.lastIndexOf("<pre", m.start()) > lower.lastIndexOf("</pre", m.start());
            String kind = m.group(1);
            String arg = m.group(2).strip();
            String replacement;
            if (kind.equals("code") || kind.equals("literal")) {
                // Code is text, not HTML: keep its angle brackets through the tag stripping below.
                replacement = arg.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
                if (markdown && !inPre) {
                    String ticks = arg.contains("`") ? "``" : "`";
                    replacement = ticks + replacement + ticks;
                }
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
        s = unwrap(sb.toString());
        if (markdown) {
            s = s.replaceAll("(?i)<\\s*pre\\s*>", "\n\n```\n").replaceAll("(?i)<\\s*/\\s*pre\\s*>", "\n```\n\n");
        }
        s = s.replaceAll("(?i)<\\s*(p|br)\\s*/?>", "\n\n")
                .replaceAll("(?i)<\\s*li\\s*>", "\n - ")
                .replaceAll("(?i)</?\\s*(ul|ol|pre|blockquote|h\\d)\\s*>", "\n");
        s = TAG.matcher(s).replaceAll("");
        s = s.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"").replace("&#39;", "'")
                .replace("&nbsp;", " ").replace("&amp;", "&");
        s = s.replaceAll("[ \t]+", " ").replaceAll(" *\n *", "\n").replaceAll("\n{3,}", "\n\n");
        return markdown ? escapeOutsideCode(s) : s;
    }

    private static final Pattern PRE = Pattern.compile("(?is)<\\s*pre\\s*>.*?<\\s*/\\s*pre\\s*>");

    /** Joins the source's lines into one line per paragraph, except inside pre, where lines are the code's. */
    private static String unwrap(String html) {
        StringBuilder out = new StringBuilder();
        Matcher pre = PRE.matcher(html);
        int at = 0;
        while (pre.find()) {
            out.append(html.substring(at, pre.start()).replaceAll("[ \t]*\\R[ \t]*", " ")).append(pre.group());
            at = pre.end();
        }
        return out.append(html.substring(at).replaceAll("[ \t]*\\R[ \t]*", " ")).toString();
    }

    private static final Pattern CODE = Pattern.compile("(?s)(`+).*?\\1");

    /** Markdown: a '<' in prose would start an HTML tag (List<String>): escaped, but not inside code. */
    private static String escapeOutsideCode(String markdown) {
        StringBuilder out = new StringBuilder();
        Matcher code = CODE.matcher(markdown);
        int at = 0;
        while (code.find()) {
            out.append(markdown.substring(at, code.start()).replace("<", "\\<")).append(code.group());
            at = code.end();
        }
        return out.append(markdown.substring(at).replace("<", "\\<")).toString();
    }
}
