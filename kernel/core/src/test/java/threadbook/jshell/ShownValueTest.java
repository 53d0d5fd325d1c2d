package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;

/**
 * A cell's last expression goes to JShell as a declaration when its text says it has a value; the cell must
 * show what JShell shows for the expression itself, fail with JShell's own error, and leave nothing behind.
 * JShells in this JVM (their local engine): what differs is the compiler's side, which is the kernel's.
 */
class ShownValueTest {

    @Test
    void onlyExpressionsThatCannotBeVoidBecomeDeclarations() {
        for (String valued : List.of("1 + 1", "x", "arr[i]", "obj.field", "new Foo(1)", "new java.util.ArrayList<String>(xs)",
                "(a + b)", "(int) x", "\"a\" + 1", "'c'", "1.5e3", ".5", "x instanceof String", "null", "true",
                "count > 10 // more than ten", "f(x) + 1", "xs.size() * 2", "-x", "x++", "a ? b : c", "String.class",
                "new int[3]", "list.stream().map(Object::toString).count() + 1", "\"\"\"\n  text ) block\n  \"\"\"")) {
            assertNotNull(ShownValue.declaration(valued, 1), valued);
        }
        for (String maybeVoid : List.of("f()", "System.out.println(1)", "xs.add(1)", "new Foo().run()",
                "Collections.<String>emptyList()", "a + f(x)", "(String) foo()", "x -> x", "switch (x) { case 1 -> 2; default -> 3; }",
                "int x = 1", "String s", "var v = 1", "new int[] {1, 2}", "new Object() { }", "this.x", "x;",
                "if (a) b", "@Deprecated int x", "x = 7", "x = y = 3", "\"unclosed", "/* open", "\\u0031 + 1", "x instanceof String s", "")) {
            assertNull(ShownValue.declaration(maybeVoid, 1), maybeVoid);
        }
        assertNotNull(ShownValue.declaration("x == 7", 1), "a comparison is no assignment");
        assertNotNull(ShownValue.declaration("x += 7", 1), "JShell shows a compound assignment's value");
        assertEquals("java.lang.Object $threadbookValue7 = 1 + 1 // two\n;", ShownValue.declaration("1 + 1 // two", 7));
    }

    @Test
    void aCellShowsWhatJShellShowsForTheExpressionAndKeepsNoVariable() {
        String setup = "int x = 41; String s = \"abc\"; int[] arr = {1, 2, 3}; java.util.List<Integer> xs = java.util.List.of(1, 2);"
                + " class Point { int x = 3; public String toString() { return \"Point\" + x; } }";
        try (JShell plain = JShell.builder().executionEngine("local").build();
             JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = new SnippetEvaluator(jshell, () -> { }, 1000);
            assertEquals(CellResult.Status.OK, evaluator.evaluate("[1]", setup, () -> false).status());
            for (SnippetEvent e : plain.eval(setup)) {
                assertTrue(e.status().isDefined(), String.valueOf(e));
            }
            for (String setupRest : List.of("String s = \"abc\";", "int[] arr = {1, 2, 3};",
                    "java.util.List<Integer> xs = java.util.List.of(1, 2);",
                    "class Point { int x = 3; public String toString() { return \"Point\" + x; } }")) {
                plain.eval(setupRest); // eval takes the first snippet of its input only
            }
            int classFiles = evaluator.spent().classFiles();
            List<String> expressions = List.of("1 + 1", "x", "x + 1", "s", "s + 'd'", "'a'", "(byte) 3", "1.0f", "2.5 * x",
                    "Integer.MAX_VALUE + 1", "arr[1]", "arr", "xs", "new Point()", "new Point().x", "true ? 1 : \"one\"",
                    "null", "x > 40", "String.class", "new StringBuilder(s)", "x += 1", "arr[0] = 5", "x++", "x", "new int[2].length");
            for (String expression : expressions) {
                String expected = null;
                for (SnippetEvent e : plain.eval(expression)) {
                    if (e.causeSnippet() == null) {
                        expected = e.value();
                    }
                }
                CellResult shown = evaluator.evaluate("[2]", expression, () -> false);
                assertEquals(CellResult.Status.OK, shown.status(), expression + ": " + shown.evalue());
                assertEquals(expected, shown.value(), expression);
            }
            assertEquals(expressions.size(), evaluator.shownAsDeclarations(), "each went as a declaration");
            CellResult assignment = evaluator.evaluate("[3]", "x = 7", () -> false);
            assertEquals(CellResult.Status.OK, assignment.status());
            assertNull(assignment.value(), "an assignment to a name shows nothing, as in IPython");
            assertTrue(jshell.variables().noneMatch(v -> v.name().startsWith("$")), "no variable of a value is left");
            assertEquals(classFiles, evaluator.spent().classFiles(), "no class file of a value is left");
        }
    }

    @Test
    void whatDoesNotCompileAsADeclarationFailsWithJShellsOwnError() {
        try (JShell plain = JShell.builder().executionEngine("local").build();
             JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = new SnippetEvaluator(jshell, () -> { }, 1000);
            // As the declaration: "cannot find symbol" for y too, but JShell would keep it, waiting for y.
            CellResult undeclared = evaluator.evaluate("[1]", "1 + y", () -> false);
            assertEquals(CellResult.Status.ERROR, undeclared.status());
            assertTrue(String.join("\n", undeclared.traceback()).contains("cannot find symbol"), undeclared.traceback().toString());
            assertTrue(String.join("\n", undeclared.traceback()).contains("1 + y"), "the cell's own text: " + undeclared.traceback());
            // y declared later: the failed cell left nothing that would run then.
            assertEquals(CellResult.Status.OK, evaluator.evaluate("[2]", "int y = 1;", () -> false).status());
            assertTrue(jshell.variables().noneMatch(v -> v.name().startsWith("$")), "nothing waits for y");

            CellResult className = evaluator.evaluate("[3]", "String", () -> false);
            assertEquals(CellResult.Status.ERROR, className.status());

            // A runtime error is reported at the cell's line, as for the expression itself.
            CellResult thrown = evaluator.evaluate("[4]", "\n\n1 / (y - 1)", () -> false);
            assertEquals(CellResult.Status.ERROR, thrown.status());
            assertEquals("java.lang.ArithmeticException", thrown.ename());
            assertEquals(1, evaluator.shownAsDeclarations(), "only the division went as a declaration");
            assertTrue(String.join("\n", thrown.traceback()).contains("line 3"), thrown.traceback().toString());
            assertTrue(jshell.variables().noneMatch(v -> v.name().startsWith("$")), "no variable of a value is left");
        }
    }
}
