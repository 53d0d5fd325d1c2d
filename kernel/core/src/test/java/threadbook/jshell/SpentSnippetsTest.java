package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import jdk.jshell.JShell;
import org.junit.jupiter.api.Test;

/**
 * JShell keeps the class file of every snippet it compiled, and javac reads them all at every later compile:
 * the evaluator forgets those of statements and expressions, keeps the declarations later cells use, and
 * gives JShell fresh javac contexts now and then, which must not lose a declaration. A
 * JShell in this JVM (its local engine): what is counted is the compiler's side, which is the kernel's.
 */
class SpentSnippetsTest {

    @Test
    void statementsAndExpressionsLeaveNoClassFileBehindAndDeclarationsStayUsable() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = new SnippetEvaluator(jshell, () -> { }, 50);
            assertOk(evaluator.evaluate("[1]", "int twice(int n) { return 2 * n; }\nclass Box { int v = 3; }\nint x = 1;", () -> false));
            int declarations = evaluator.spent().classFiles();
            assertTrue(declarations >= 3, "the reflection on JShell's file manager works here (pom.xml's argLine"
                    + " opens jdk.jshell, as the kernelspec does): " + declarations + " class files");

            for (int i = 0; i < 40; i++) {
                assertOk(evaluator.evaluate("[" + (i + 2) + "]", "if (x > 0) { Runnable r = () -> { }; r.run(); }", () -> false));
                CellResult value = evaluator.evaluate("[" + (i + 2) + "]", "1 + twice(x) + new Box().v", () -> false);
                assertEquals("6", value.value(), String.valueOf(value.evalue()));
                assertOk(evaluator.evaluate("[" + (i + 2) + "]", "x", () -> false));
                assertEquals(CellResult.Status.ERROR, evaluator.evaluate("[" + (i + 2) + "]", "1 / (x - 1)", () -> false).status());
            }
            // Before: one or two more class files per cell (160 cells); now the declarations' only.
            assertEquals(declarations, evaluator.spent().classFiles(), "class files kept after 160 cells of statements and expressions");
            CellResult after = evaluator.evaluate("[42]", "twice(new Box().v) + x", () -> false);
            assertEquals("7", after.value(), String.valueOf(after.evalue()));
            // Renewed every 50 snippets: the declarations made before it are still there, and still compile.
            assertEquals(3, evaluator.spent().renewals(), "fresh javac contexts after 161 snippets");
            assertOk(evaluator.evaluate("[43]", "class Bigger extends Box { int w = twice(v); }", () -> false));
            CellResult later = evaluator.evaluate("[44]", "new Bigger().w + x", () -> false);
            assertEquals("7", later.value(), String.valueOf(later.evalue()));
            assertTrue(jshell.variables().noneMatch(v -> v.name().startsWith("$")),
                    "no $N of an expression is left, not even of one that threw");
        }
    }

    @Test
    void theRenewalIntervalComesFromTheEnvironmentOrIs400() {
        assertEquals(400, SpentSnippets.renewEvery(null));
        assertEquals(5, SpentSnippets.renewEvery(" 5 "));
        assertEquals(400, SpentSnippets.renewEvery("0"));
        assertEquals(400, SpentSnippets.renewEvery("often"));
    }

    private static void assertOk(CellResult result) {
        assertEquals(CellResult.Status.OK, result.status(), String.valueOf(result.evalue()));
    }
}
