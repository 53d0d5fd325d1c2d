package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which pieces of a cell may be compiled together as one block: plain statements, never declarations. */
class SnippetBlocksTest {

    @ParameterizedTest
    @ValueSource(strings = {
        "t1.start();", "System.out.println(\"x\");", "new Thread(r).start();", "list.add(3);",
        "x = 5;", "counter += 2;", "arr[0] = 1;", "i++;", "++i;", "a.b.c(1, 2);",
        "for (int i = 0; i < 3; i++) { go(i); }", "if (x > 0) { y(); }", "while (busy) { }", "try { f(); } catch (Exception e) { }",
        "synchronized (lock) { n++; }", "throw new IllegalStateException();", "{ int local = 1; use(local); }",
        "// start the threads\nt1.start();", "t2.start(); // and the second", "/* note */ System.out.printf(\"%d%n\", 1);"})
    void plainStatementsMayBeMerged(String source) {
        assertTrue(SnippetBlocks.isStatement(source), source);
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "int x = 5;", "Thread t = new Thread(r);", "var v = f();", "List<String> names = List.of();", "int[] a = {1};",
        "void f() { }", "record P(int x) { }", "class A { }", "import java.util.*;", "1 + 1;", "x == 1;",
        "t1.start()", "String s", "final int y = 2;", "@Deprecated void g() { }", "enum E { A }"})
    void declarationsAndExpressionsThatAreNotStatementsAreNot(String source) {
        assertFalse(SnippetBlocks.isStatement(source), source);
    }

    @org.junit.jupiter.api.Test
    void aCommentAfterTheLastSemicolonStillHidesTheValue() {
        assertTrue(SnippetSplitter.endsWithSemicolon("count(1); // warm-up"));
        assertTrue(SnippetSplitter.endsWithSemicolon("count(1); /* warm-up */\n"));
        assertFalse(SnippetSplitter.endsWithSemicolon("count(1) // no semicolon"));
        assertFalse(SnippetSplitter.endsWithSemicolon("\"a;\" + \"// not a comment\""));
        assertFalse(SnippetSplitter.endsWithSemicolon("s.endsWith(\";\")"));
    }
}
