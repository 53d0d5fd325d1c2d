package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;
import jdk.jshell.SnippetEvent;
import org.junit.jupiter.api.Test;

/**
 * A snippet JShell rejects, or accepts but cannot define for good, is found and taken back, and what it replaced
 * comes back (a variable with the value it had; one whose type has no name is told as lost); the notebook's live
 * definitions follow. JShells in this JVM.
 */
class FailedSnippetsTest {

    @Test
    void aBrokenRedefinitionIsTakenBackAndTheOldMethodComesBack() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            LiveDefinitions definitions = new LiveDefinitions();
            AtomicInteger freshCompilers = new AtomicInteger();
            FailedSnippets failed = new FailedSnippets(jshell, definitions, freshCompilers::incrementAndGet);
            definitions.track(jshell.eval("int twice(int n) { return 2 * n; }"), "[1]", 1);
            definitions.track(jshell.eval("int counter = 7;"), "[2]", 1);
            assertEquals(List.of(new Definition("int twice(int n) { return 2 * n; }", "[1]", 1)), definitions.all(),
                    "a method is kept, a variable is not");

            // JShell rejects it, and has replaced the old twice(int) all the same.
            List<SnippetEvent> broken = jshell.eval("int twice(int n) { return 2 * n + \"x\"; }");
            assertTrue(broken.stream().anyMatch(e -> e.status() == Snippet.Status.REJECTED), String.valueOf(broken));
            assertTrue(jshell.methods().noneMatch(m -> jshell.status(m).isActive()), "JShell lost the old twice(int)");
            FailedSnippets.Failure failure = failed.failure(broken);
            assertNotNull(failure, "the broken method is a failure: " + broken);
            assertTrue(failure.limits().isEmpty());
            assertFalse(failure.diags().isEmpty());
            assertEquals(List.of(), failed.undo(broken, "[3]", false), "no variable was replaced");
            assertEquals(0, freshCompilers.get(), "no class-file limit: the compiler stays");

            assertEquals("14", value(jshell, "twice(7)"), "the old method is back");
            assertEquals(List.of(new Definition("int twice(int n) { return 2 * n; }", "[1]", 1)), definitions.all(),
                    "the old method is still where the user wrote it");
            assertTrue(jshell.snippets().noneMatch(s -> s.source().contains("\"x\"") && jshell.status(s).isActive()),
                    "nothing of the broken snippet stays");
        }
    }

    @Test
    void aRejectedClassRedefinitionLeavesTheOldClass() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = evaluator(jshell);
            run(evaluator, "[1]", "class Point { int x = 1; }\nint twiceX(Point p) { return 2 * p.x; }");
            assertEquals(CellResult.Status.ERROR, run(evaluator, "[2]", "class Point { int x = \"one\"; }").status());
            assertEquals("2", run(evaluator, "[3]", "twiceX(new Point())").value(),
                    "the class as it was, and the method that uses it still works");
        }
    }

    @Test
    void inACellTheOldMethodAndVariableStay() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = evaluator(jshell);
            assertEquals(CellResult.Status.OK, run(evaluator, "[1]", "int twice(int n) { return 2 * n; }\nint counter = 7;").status());
            CellResult typo = run(evaluator, "[2]", "int twice(int n) {\n    return 2 * n + \"x\";\n}");
            assertEquals(CellResult.Status.ERROR, typo.status());
            assertTrue(String.join("\n", typo.traceback()).contains("cell [2], line 2"), String.join("\n", typo.traceback()));
            CellResult after = run(evaluator, "[3]", "twice(7)");
            assertEquals("14", after.value(), "the method as it was before the cell with the error: " + after);
            assertEquals(List.of(new Definition("int twice(int n) { return 2 * n; }", "[1]", 1)), evaluator.definitions());

            CellResult wrongType = run(evaluator, "[4]", "int counter = \"seven\";");
            assertEquals(CellResult.Status.ERROR, wrongType.status());
            assertFalse(String.join("\n", wrongType.traceback()).contains("note:"), String.join("\n", wrongType.traceback()));
            assertEquals("7", run(evaluator, "[5]", "counter").value(), "the variable keeps its value");
        }
    }

    @Test
    void theOldMethodsFramesStillPointAtItsCell() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = evaluator(jshell);
            run(evaluator, "[1]", "int boom(int n) {\n    return 10 / n;\n}");
            run(evaluator, "[2]", "\n\nint boom(int n) {\n    return \"ten\" / n;\n}");
            CellResult thrown = run(evaluator, "[3]", "boom(0)");
            assertEquals(CellResult.Status.ERROR, thrown.status());
            assertTrue(String.join("\n", thrown.traceback()).contains("boom(cell [1], line 2)"), String.join("\n", thrown.traceback()));
        }
    }

    @Test
    void aVariableComesBackAsTheSameObjectWithoutRunningItsInitializerAgain() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = evaluator(jshell);
            run(evaluator, "[1]", "int calls = 0;\njava.util.List<String> made() { calls++; return new java.util.ArrayList<>(); }\n"
                    + "java.util.List<String> names = made();\nnames.add(\"Ada\");\nObject before = names;");
            assertEquals(CellResult.Status.ERROR, run(evaluator, "[2]", "java.util.List<String> names = 5;").status());
            assertEquals("\"[Ada] true 1\"", run(evaluator, "[3]", "names + \" \" + (names == before) + \" \" + calls").value(),
                    "the same list, and made() did not run again");
        }
    }

    @Test
    void aVariableOfATypeWithNoNameIsToldAsLost() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            SnippetEvaluator evaluator = evaluator(jshell);
            run(evaluator, "[1]", "var point = new Object() { int x = 3; };");
            CellResult wrongType = run(evaluator, "[2]", "int point = \"three\";");
            assertTrue(String.join("\n", wrongType.traceback()).contains("the variable point was replaced"),
                    "an anonymous class has no name to declare it with again, and the cell says so: " + wrongType.traceback());
        }
    }

    @Test
    void aReplacedVariableKeepsItsValueAndALimitGetsAFreshCompiler() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            AtomicInteger freshCompilers = new AtomicInteger();
            FailedSnippets failed = new FailedSnippets(jshell, new LiveDefinitions(), freshCompilers::incrementAndGet);
            jshell.eval("int counter = 7;");
            List<SnippetEvent> replaced = jshell.eval("String counter = \"seven\";");
            assertTrue(replaced.stream().anyMatch(e -> e.status() == Snippet.Status.OVERWRITTEN), String.valueOf(replaced));
            assertEquals(List.of(), failed.undo(replaced, "[2]", true), "counter is declared again with its value");
            assertEquals("7", value(jshell, "counter"));
            assertEquals(1, freshCompilers.get(), "after a class-file limit, JShell's compiler is replaced");
        }
    }

    @Test
    void aSnippetThatWaitsForAMissingNameIsNoFailure() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            FailedSnippets failed = new FailedSnippets(jshell, new LiveDefinitions(), () -> { });
            assertNull(failed.failure(jshell.eval("int later() { return notYetDefined(); }")),
                    "a method that calls one not defined yet waits for it, as JShell means it to");
            assertNull(failed.failure(jshell.eval("int fine = 1;")));
        }
    }

    @Test
    void aRedefinitionKeepsItsPlaceAndADropLeaves() {
        try (JShell jshell = JShell.builder().executionEngine("local").build()) {
            LiveDefinitions definitions = new LiveDefinitions();
            definitions.track(jshell.eval("import java.util.concurrent.*;"), "[1]", 1);
            definitions.track(jshell.eval("void hello() { }"), "[2]", 1);
            List<SnippetEvent> again = jshell.eval("void hello() { System.out.println(1); }");
            definitions.track(again, "[3]", 4);
            assertEquals(List.of(new Definition("import java.util.concurrent.*;", "[1]", 1),
                    new Definition("void hello() { System.out.println(1); }", "[3]", 4)), definitions.all());
            Snippet hello = again.stream().filter(e -> e.causeSnippet() == null).findFirst().orElseThrow().snippet();
            definitions.track(jshell.drop(hello), "[4]", 1);
            assertEquals(List.of(new Definition("import java.util.concurrent.*;", "[1]", 1)), definitions.all());
        }
    }

    private static SnippetEvaluator evaluator(JShell jshell) {
        return new SnippetEvaluator(jshell, () -> { }, 1000);
    }

    private static CellResult run(SnippetEvaluator evaluator, String cellLabel, String code) {
        return evaluator.evaluate(cellLabel, code, () -> false);
    }

    private static String value(JShell jshell, String expression) {
        return jshell.eval(expression).get(0).value();
    }
}
