package threadbook.assist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class CodeAssistTest {

    /** Code, and how many brackets it leaves open: brackets in strings, chars, comments and text blocks are text. */
    static Stream<Arguments> openBrackets() {
        return Stream.of(
                arguments("", 0),
                arguments("int x = f(1)[0];", 0),
                arguments("void f() {", 1),
                arguments("class A { void f() { g(h(", 4),
                arguments("int[] a = new int[] {1, 2, {", 2),
                arguments("for (int i = 0; i < 3; i++) {\n    System.out.println(i);\n", 1),
                // closing brackets reduce the count
                arguments("if (a) {\n  b();\n  while (c) { d(); }\n", 1),
                arguments("}", -1),
                // strings; an escaped quote does not end one, an escaped backslash does (the bracket after it counts)
                arguments("String s = \"({[\";", 0),
                arguments("f(\"}\"", 1),
                arguments("String s = \"\\\"(\";", 0),
                arguments("String s = \"\\\\\"; f(", 1),
                // chars; a double quote inside one does not start a string
                arguments("char c = '{';", 0),
                arguments("f('(', ')'", 1),
                arguments("char q = '\\''; g(", 1),
                arguments("char q = '\"'; h(", 1),
                // line comments
                arguments("int x = 1; // f( {", 0),
                arguments("// {\nvoid f() {", 1),
                arguments("g( // )\n", 1),
                // block comments; quotes inside a comment do not start a string
                arguments("/* { ( [ */", 0),
                arguments("/* } */ f(/* ) */", 1),
                arguments("/**\n * {@code x}\n * ( \n */\nvoid f() {", 1),
                arguments("/* \" */ f(", 1),
                arguments("// it's\nf(", 1),
                // comment markers inside strings are text
                arguments("String url = \"http://x\"; f(", 1),
                arguments("String s = \"/*\"; f(", 1),
                // text blocks, also with quotes inside
                arguments("String s = \"\"\"\n  ( { [\n  \"\"\"; f(", 1),
                arguments("String s = \"\"\"\n  say \"(\" here\n  \"\"\"; f(", 1));
    }

    @ParameterizedTest
    @MethodSource("openBrackets")
    void countsOpenBrackets(String code, int open) {
        assertEquals(open, CodeAssist.openBrackets(code));
    }

    private static String nameAt(String codeWithBar) {
        int cursor = codeWithBar.indexOf('|');
        String code = codeWithBar.replace("|", "");
        int[] range = CodeAssist.nameAround(code, cursor);
        return code.substring(range[0], range[1]);
    }

    @Test
    void theNameAroundTheCursorIsTheWholeQualifiedIdentifier() {
        assertEquals("String", nameAt("Str|ing s = null;"));
        assertEquals("String", nameAt("String| s"));
        assertEquals("String", nameAt("|String"));
        assertEquals("Thread.sleep", nameAt("Thread.sl|eep(100);"));
        assertEquals("java.util.HashMap", nameAt("new java.util.Hash|Map<>()"));
        assertEquals("x", nameAt("f(x|, y)"));
        assertEquals("", nameAt("f(|)"));
        assertEquals("counter", nameAt("int a = counter|;"));
    }

    @Test
    void scanTellsAnOpenCommentOrTextBlock() {
        assertEquals(1, CodeAssist.scan("int x = 1; /* not yet closed")[1]);
        assertEquals(1, CodeAssist.scan("String s = \"\"\"\n  text")[1]);
        assertEquals(0, CodeAssist.scan("int x = 1; /* closed */")[1]);
    }
}
