package threadbook.assist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class JavadocTest {
    /** String.indexOf(String) as JShell's SourceCodeAnalysis.documentation() returns it (JDK 25 src.zip). */
    private static final String INDEX_OF_STRING = " Returns the index within this string of the first occurrence of the\n"
            + " specified substring.\n"
            + "\n"
            + " <p>The returned index is the smallest value {@code k} for which:\n"
            + " <pre>{@code\n"
            + " this.startsWith(str, k)\n"
            + " }</pre>\n"
            + " If no such value of {@code k} exists, then {@code -1} is returned.\n"
            + "\n"
            + " @param   str   the substring to search for.\n"
            + " @return  the index of the first occurrence of the specified substring,\n"
            + "          or {@code -1} if there is no such occurrence.\n";

    /** String.indexOf(int, int, int), with HTML, entities, several @param, @throws and @since. */
    private static final String INDEX_OF_RANGE = " Returns the index within this string of the first occurrence of the\n"
            + " specified character, starting the search at {@code beginIndex} and\n"
            + " stopping before {@code endIndex}.\n"
            + "\n"
            + " <p>If a character with value {@code ch} occurs in the\n"
            + " character sequence represented by this {@code String}\n"
            + " object at an index no smaller than {@code beginIndex} but smaller than\n"
            + " {@code endIndex}, then\n"
            + " the index of the first such occurrence is returned. For values\n"
            + " of {@code ch} in the range from 0 to 0xFFFF (inclusive),\n"
            + " this is the smallest value <i>k</i> such that:\n"
            + " <blockquote><pre>\n"
            + " (this.charAt(<i>k</i>) == ch) &amp;&amp; (beginIndex &lt;= <i>k</i> &lt; endIndex)\n"
            + " </pre></blockquote>\n"
            + " is true. In either case, if no such character occurs in this\n"
            + " string at or after position {@code beginIndex} and before position\n"
            + " {@code endIndex}, then {@code -1} is returned.\n"
            + "\n"
            + " <p>All indices are specified in {@code char} values\n"
            + " (Unicode code units).\n"
            + "\n"
            + " @param   ch          a character (Unicode code point).\n"
            + " @param   beginIndex  the index to start the search from (included).\n"
            + " @param   endIndex    the index to stop the search at (excluded).\n"
            + " @return  the index of the first occurrence of the character in the\n"
            + "          character sequence represented by this object that is greater\n"
            + "          than or equal to {@code beginIndex} and less than {@code endIndex},\n"
            + "          or {@code -1} if the character does not occur.\n"
            + " @throws  StringIndexOutOfBoundsException if {@code beginIndex}\n"
            + "          is negative, or {@code endIndex} is larger than the length of\n"
            + "          this {@code String} object, or {@code beginIndex} is larger than\n"
            + "          {@code endIndex}.\n"
            + " @since   21\n";

    /** String.indexOf(String, int): an @apiNote with {@link #member(args)}. */
    private static final String INDEX_OF_FROM = " Returns the index within this string of the first occurrence of the\n"
            + " specified substring, starting at the specified index.\n"
            + "\n"
            + " <p>The returned index is the smallest value {@code k} for which:\n"
            + " <pre>{@code\n"
            + "     k >= Math.min(fromIndex, this.length()) &&\n"
            + "                   this.startsWith(str, k)\n"
            + " }</pre>\n"
            + " If no such value of {@code k} exists, then {@code -1} is returned.\n"
            + "\n"
            + " @apiNote\n"
            + " Unlike {@link #substring(int)}, for example, this method does not throw\n"
            + " an exception when {@code fromIndex} is outside the valid range.\n"
            + " If stricter behavior is needed, {@link #indexOf(String, int, int)}\n"
            + " should be considered instead.\n"
            + "\n"
            + " @param   str         the substring to search for.\n"
            + " @param   fromIndex   the index from which to start the search.\n"
            + " @return  the index of the first occurrence of the specified substring,\n"
            + "          starting at the specified index,\n"
            + "          or {@code -1} if there is no such occurrence.\n";

    /** Javadoc's inline tags, HTML and entities, and the plain text the help panel shows for them. */
    static Stream<Arguments> inlineTagsAndHtml() {
        return Stream.of(
                // nothing to show
                arguments(null, ""),
                arguments("  \n ", ""),
                // {@code} and {@literal}: their text
                arguments("Returns {@code -1} if absent.", "Returns -1 if absent."),
                arguments("Use {@literal x}.", "Use x."),
                // {@link} to a member: its dotted name; with a label: the label; {@linkplain} alike
                arguments("See {@link String#length()}.", "See String.length()."),
                arguments("See {@link #substring(int)}.", "See substring(int)."),
                arguments("See {@link Foo the label} here.", "See the label here."),
                arguments("See {@link java.util.List#of() the list}.", "See the list."),
                arguments("A {@linkplain java.util.Formatter#syntax format string}.", "A format string."),
                arguments("See {@linkplain List#of()}.", "See List.of()."),
                // HTML tags stripped, entities decoded (once)
                arguments("the <i>smallest</i> value <b>k</b> such that", "the smallest value k such that"),
                arguments("a <a href=\"https://example.com/x?a=1\">link</a>", "a link"),
                arguments("a &lt; b &amp;&amp; c &gt; d &quot;e&quot;", "a < b && c > d \"e\""),
                arguments("&amp;lt; stays escaped once", "&lt; stays escaped once"),
                // <p>: a paragraph break
                arguments("First sentence.\n<p>Second paragraph.", "First sentence.\n\nSecond paragraph."),
                arguments("One.<P>Two.", "One.\n\nTwo."));
    }

    @ParameterizedTest
    @MethodSource("inlineTagsAndHtml")
    void becomesPlainText(String javadoc, String text) {
        assertEquals(text, Javadoc.toText(javadoc));
    }

    /** Fails naming the first part the text lacks, with the whole text. */
    private static void assertContains(String text, String... parts) {
        for (String part : parts) {
            assertTrue(text.contains(part), () -> "no '" + part + "' in:\n" + text);
        }
    }

    private static void assertLacks(String text, String... parts) {
        for (String part : parts) {
            assertFalse(text.contains(part), () -> "'" + part + "' left in:\n" + text);
        }
    }

    @Test
    void listItemsBecomeLines() {
        String text = Javadoc.toText("Either:<ul><li>one</li><li>two</li></ul>");
        assertContains(text, "\n- one\n- two");
    }

    @Test
    void blockTagsGetHeadings() {
        String text = Javadoc.toText(INDEX_OF_RANGE);
        assertTrue(text.startsWith("Returns the index within this string"), text);
        assertContains(text,
                "\n\nParameters:\n  ch - a character (Unicode code point).\n"
                + "  beginIndex - the index to start the search from (included).\n"
                + "  endIndex - the index to stop the search at (excluded).",
                "\n\nReturns:\n  the index of the first occurrence of the character",
                "\n\nThrows:\n  StringIndexOutOfBoundsException - if beginIndex",
                "\n\nSince:\n  21");
        // One heading per kind, even for several @param tags.
        assertEquals(text.indexOf("Parameters:"), text.lastIndexOf("Parameters:"), text);
        // Headings in the order of the tags.
        assertTrue(text.indexOf("Parameters:") < text.indexOf("Returns:"), text);
        assertTrue(text.indexOf("Returns:") < text.indexOf("Throws:"), text);
    }

    @Test
    void realisticJdkJavadocBecomesPlainText() {
        String text = Javadoc.toText(INDEX_OF_STRING);
        assertLacks(text, "{@", "<");
        assertContains(text,
                "The returned index is the smallest value k for which:",
                "this.startsWith(str, k)",
                "then -1 is returned.",
                "Parameters:\n  str - the substring to search for.",
                "Returns:\n  the index of the first occurrence of the specified substring,");
        // The <p> separates the paragraphs.
        assertContains(text, "specified substring.\n\nThe returned index");
    }

    @Test
    void noInlineTagOrHtmlIsLeftInJdkJavadoc() {
        for (String javadoc : new String[] {INDEX_OF_STRING, INDEX_OF_RANGE, INDEX_OF_FROM}) {
            String text = Javadoc.toText(javadoc);
            assertLacks(text, "{@", "<i>", "<p>", "<pre>", "&amp;", "&lt;", "\n\n\n");
            assertEquals(text.strip(), text);
        }
        String range = Javadoc.toText(INDEX_OF_RANGE);
        assertContains(range, "(this.charAt(k) == ch) && (beginIndex <= k < endIndex)");
        String from = Javadoc.toText(INDEX_OF_FROM);
        assertContains(from,
                "k >= Math.min(fromIndex, this.length()) &&",
                "Parameters:\n  str - the substring to search for.\n  fromIndex - the index");
    }

    /** Collectors.groupingBy(Function, Collector), as JShell returns it. */
    private static final String GROUPING_BY = " The classification function maps elements to some key type {@code K}.\n"
            + " The downstream collector operates on elements of type {@code T} and\n"
            + " produces a result of type {@code D}. The resulting collector produces a\n"
            + " {@code Map<K, D>}.\n"
            + "\n"
            + " <p>For example, to compute the set of last names of people in each city:\n"
            + " <pre>{@code\n"
            + " Map<City, Set<String>> namesByCity\n"
            + "   = people.stream().collect(\n"
            + "     groupingBy(Person::getCity,\n"
            + "                mapping(Person::getLastName,\n"
            + "                        toSet())));\n"
            + " }</pre>\n"
            + "\n"
            + " @param <T> the type of the input elements\n"
            + " @param classifier a classifier function mapping input elements to keys\n"
            + " @return a {@code Collector} implementing the cascaded group-by operation\n";

    @Test
    void genericsInsideCodeTagsSurvive() {
        String text = Javadoc.toText(GROUPING_BY);
        assertContains(text,
                "produces a Map<K, D>.",
                "Map<City, Set<String>> namesByCity",
                "Parameters:\n  <T> - the type of the input elements");
    }

    @Test
    void otherJdkInlineTagsAreRendered() {
        // From System.getProperties() and Object.equals / String javadoc.
        String text = Javadoc.toText("The value of {@systemProperty java.version}, see {@jls 15.21.3}.");
        assertLacks(text, "{@");
        assertContains(text, "java.version");
    }

    @Test
    void aParagraphIsOneLineSoThePanelWrapsIt() {
        String text = Javadoc.toText(INDEX_OF_RANGE);
        assertTrue(text.startsWith("Returns the index within this string of the first occurrence of the specified character,"
                + " starting the search at beginIndex and stopping before endIndex.\n\nIf a character"), text);
        assertContains(text,
                "\n  endIndex - the index to stop the search at (excluded).\n",
                "Returns:\n  the index of the first occurrence of the character in the character sequence"
                + " represented by this object that is greater than or equal to beginIndex and less than endIndex,"
                + " or -1 if the character does not occur.");
        for (String line : text.split("\n")) {
            // The source wraps at about 70 columns; a line that ends there mid-sentence would be hard-wrapped.
            assertFalse(line.length() > 40 && line.length() < 75 && line.matches(".*[a-z,]$"), "hard-wrapped: '" + line + "' in\n" + text);
        }
    }

    @Test
    void preformattedCodeKeepsItsLines() {
        String text = Javadoc.toText(GROUPING_BY);
        assertContains(text, "Map<City, Set<String>> namesByCity\n= people.stream().collect(\ngroupingBy(Person::getCity,");
    }

    @Test
    void markdownHasCodeSpansFencedCodeAndListedParameters() {
        String md = Javadoc.toMarkdown(GROUPING_BY);
        assertTrue(md.startsWith("The classification function maps elements to some key type `K`. The downstream collector"), md);
        assertContains(md,
                "produces a result of type `D`. The resulting collector produces a `Map<K, D>`.",
                "\n```\nMap<City, Set<String>> namesByCity\n", // pre as a fenced block
                "toSet())));\n```",
                "**Parameters:**\n- `<T>` - the type of the input elements\n- `classifier` - a classifier",
                "**Returns:**\n- a `Collector` implementing");
        // '<' in prose would start an HTML tag in Markdown.
        assertEquals("a \\<b> tag-like word and `List<String>`", Javadoc.toMarkdown("a &lt;b&gt; tag-like word and {@code List<String>}"));
    }
}
