package threadbook.assist;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class CodeAssistTest {

    @Test
    void countsOpenBrackets() {
        assertEquals(0, CodeAssist.openBrackets(""));
        assertEquals(0, CodeAssist.openBrackets("int x = f(1)[0];"));
        assertEquals(1, CodeAssist.openBrackets("void f() {"));
        assertEquals(4, CodeAssist.openBrackets("class A { void f() { g(h("));
        assertEquals(2, CodeAssist.openBrackets("int[] a = new int[] {1, 2, {"));
        assertEquals(1, CodeAssist.openBrackets("for (int i = 0; i < 3; i++) {\n    System.out.println(i);\n"));
    }

    @Test
    void closingBracketsReduceTheCount() {
        assertEquals(1, CodeAssist.openBrackets("if (a) {\n  b();\n  while (c) { d(); }\n"));
        assertEquals(-1, CodeAssist.openBrackets("}"));
    }

    @Test
    void ignoresBracketsInStrings() {
        assertEquals(0, CodeAssist.openBrackets("String s = \"({[\";"));
        assertEquals(1, CodeAssist.openBrackets("f(\"}\""));
        // An escaped quote does not end the string.
        assertEquals(0, CodeAssist.openBrackets("String s = \"\\\"(\";"));
        // An escaped backslash does: the bracket after the string counts.
        assertEquals(1, CodeAssist.openBrackets("String s = \"\\\\\"; f("));
    }

    @Test
    void ignoresBracketsInChars() {
        assertEquals(0, CodeAssist.openBrackets("char c = '{';"));
        assertEquals(1, CodeAssist.openBrackets("f('(', ')'"));
        assertEquals(1, CodeAssist.openBrackets("char q = '\\''; g("));
        // A double quote inside a char literal does not start a string.
        assertEquals(1, CodeAssist.openBrackets("char q = '\"'; h("));
    }

    @Test
    void ignoresBracketsInLineComments() {
        assertEquals(0, CodeAssist.openBrackets("int x = 1; // f( {"));
        assertEquals(1, CodeAssist.openBrackets("// {\nvoid f() {"));
        assertEquals(1, CodeAssist.openBrackets("g( // )\n"));
    }

    @Test
    void ignoresBracketsInBlockComments() {
        assertEquals(0, CodeAssist.openBrackets("/* { ( [ */"));
        assertEquals(1, CodeAssist.openBrackets("/* } */ f(/* ) */"));
        assertEquals(1, CodeAssist.openBrackets("/**\n * {@code x}\n * ( \n */\nvoid f() {"));
        // Quotes inside a comment do not start a string.
        assertEquals(1, CodeAssist.openBrackets("/* \" */ f("));
        assertEquals(1, CodeAssist.openBrackets("// it's\nf("));
    }

    @Test
    void commentMarkersInsideStringsAreText() {
        assertEquals(1, CodeAssist.openBrackets("String url = \"http://x\"; f("));
        assertEquals(1, CodeAssist.openBrackets("String s = \"/*\"; f("));
    }

    @Test
    void ignoresBracketsInTextBlocks() {
        assertEquals(1, CodeAssist.openBrackets("String s = \"\"\"\n  ( { [\n  \"\"\"; f("));
    }

    @Test
    void ignoresBracketsInTextBlocksThatContainQuotes() {
        assertEquals(1, CodeAssist.openBrackets("String s = \"\"\"\n  say \"(\" here\n  \"\"\"; f("));
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
