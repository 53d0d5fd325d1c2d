package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/**
 * Ordinary input that the Java class-file format or JShell cannot take as it is: a huge string, a huge
 * method, a huge cell. Each such cell is answered, says what is wrong, and leaves the session as it was.
 */
class BadInputIT extends SharedKernel {
    private static final Duration LONG = Duration.ofSeconds(Long.getLong("badinput.timeout", 600));

    @BeforeAll
    void prepare() {
        assertEquals("ok", client.execute("String before = \"kept\";").status());
    }

    @Test
    void aStringLiteralOver64KbIsAClearErrorAndTheSessionGoesOn() {
        KernelClient.Execution e = client.execute("String big = \"" + "x".repeat(70_000) + "\";", LONG);
        assertError(e, "a string constant may hold at most 65,535 bytes");
        assertSessionIntact();
        assertTrue(client.execute("big").status().equals("error"), "the failed variable is not left half-defined");
    }

    @Test
    void aPastedTextBlockOf72KbIsAClearErrorAndTheSessionGoesOn() {
        // 49,200 characters, but 73,200 bytes of UTF-8: the limit is on bytes.
        String text = ("\u00e9t\u00e9 ".repeat(10) + "\n").repeat(1200);
        KernelClient.Execution e = client.execute("int answer = 42;\nString pasted = \"\"\"\n" + text + "\"\"\";\n"
                + "System.out.println(\"not reached\");", LONG);
        assertError(e, "a string constant may hold at most 65,535 bytes");
        assertTrue(!e.stdout().contains("not reached"), "the cell stops at the error");
        assertSessionIntact();
        assertEquals("42", client.execute("answer").result(), "what ran before the error stays");
    }

    @Test
    void aOneMegabyteMethodBodySaysCodeTooLarge() {
        String body = "    n += 1;\n".repeat(1_000_000 / 12);
        KernelClient.Execution e = client.execute("int huge() {\n    int n = 0;\n" + body + "    return n;\n}", LONG);
        assertError(e, "code too large");
        assertSessionIntact();
        assertEquals("error", client.execute("huge()").status(), "no half-defined method is left behind");
    }

    @Test
    void aFailingRedefinitionKeepsTheWorkingMethodAndWhatUsesIt() {
        assertEquals("ok", client.execute("int twice(int x) { return 2 * x; }\nint usesTwice() { return twice(21); }")
                .status());
        String body = "    x += 1;\n".repeat(30_000); // 3 bytes of bytecode each: 90 KB
        KernelClient.Execution e = client.execute("int twice(int x) {\n" + body + "    return x;\n}", LONG);
        assertError(e, "code too large");
        assertEquals("8", client.execute("twice(4)").result(), "the old twice() still works");
        assertEquals("42", client.execute("usesTwice()").result(), "and so does the method that calls it");
        assertSessionIntact();
    }

    @Test
    void aFoldedStringConstantOver64KbLeavesTheCompilerWorking() {
        // Two literals of 40,000 bytes are each fine; javac joins them into one constant of 80,000.
        KernelClient.Execution e = client.execute("String folded = \"" + "q".repeat(40_000) + "\" + \""
                + "r".repeat(40_000) + "\";", LONG);
        assertError(e, "a string constant may hold at most 65,535 bytes");
        assertSessionIntact();
        assertEquals("ok", client.execute("int later() { return 7; }").status(), "a new method compiles");
        assertEquals("7", client.execute("later()").result());
    }

    @Test
    void aMethodWithTooManyConstantsLeavesTheCompilerWorking() {
        StringBuilder cell = new StringBuilder("void table() {\n    List<String> rows = new ArrayList<>();\n");
        for (int i = 0; i < 70_000; i++) {
            cell.append("    rows.add(\"row ").append(i).append("\");\n");
        }
        cell.append("}");
        KernelClient.Execution e = client.execute(cell.toString(), LONG);
        assertEquals("error", e.status());
        String evalue = e.error().contentString("evalue", "");
        assertTrue(evalue.contains("too many constants") || evalue.contains("code too large"), evalue);
        assertSessionIntact();
        assertEquals("ok", client.execute("int afterTable() { return 8; }").status(), "a new method compiles");
        assertEquals("8", client.execute("afterTable()").result());
    }

    @Test
    void aFailingRedefinitionOfAVariableKeepsItsValue() {
        assertEquals("ok", client.execute("String greeting = \"hello\";").status());
        KernelClient.Execution e = client.execute("String greeting = \"" + "y".repeat(70_000) + "\";", LONG);
        assertError(e, "a string constant may hold at most 65,535 bytes");
        assertEquals("\"hello\"", client.execute("greeting").result());
    }

    @Test
    void aTooLargeArrayReplacingAVariableKeepsTheOldArray() {
        assertEquals("ok", client.execute("int[] data = {1, 2, 3};").status());
        StringBuilder numbers = new StringBuilder();
        for (int i = 0; i < 30_000; i++) {
            numbers.append(i).append(i % 20 == 19 ? ",\n" : ", ");
        }
        KernelClient.Execution e = client.execute("int[] data = {" + numbers + "-1};", LONG);
        assertError(e, "code too large");
        assertEquals("3", client.execute("data.length").result(), "the earlier array is still there");
        assertSessionIntact();
    }

    @Test
    void aCellOf200KbOfStatementsIsAnswered() {
        StringBuilder cell = new StringBuilder("long total = 0;\n");
        long expected = 0;
        int statements = 0;
        while (cell.length() < 200_000) {
            cell.append(statements % 2 == 0 ? "System.out.println(\"line " + statements + "\");\n"
                    : "total += " + statements + ";\n");
            if (statements % 2 == 1) {
                expected += statements;
            }
            statements++;
        }
        cell.append("total");
        long start = System.nanoTime();
        KernelClient.Execution e = client.execute(cell.toString(), LONG);
        double seconds = (System.nanoTime() - start) / 1e9;
        System.out.printf("BadInputIT: a cell of %,d characters and %,d statements took %.1f s%n", cell.length(),
                statements, seconds);
        assertEquals("ok", e.status(), () -> String.valueOf(e.error()));
        assertEquals(String.valueOf(expected), e.result());
        String[] lines = e.stdout().split("\n");
        assertEquals((statements + 1) / 2, lines.length, "every statement ran");
        assertEquals("line " + 2 * (lines.length - 1), lines[lines.length - 1], "and in order");
        assertSessionIntact();
    }

    @Test
    void aScannerWithoutInputSaysWhy() {
        KernelClient.Execution e = client.execute("new Scanner(System.in).nextLine()");
        assertEquals("error", e.status());
        Message error = e.error();
        assertNotNull(error);
        String all = error.contentString("ename", "") + ": " + error.contentString("evalue", "");
        assertTrue(all.contains("does not accept input"), all);
        assertSessionIntact();
    }

    private static void assertError(KernelClient.Execution e, String expected) {
        assertEquals("error", e.status(), "the cell must fail");
        Message error = e.error();
        assertNotNull(error, "an error message on iopub");
        String evalue = error.contentString("evalue", "");
        assertTrue(evalue.contains(expected), "evalue: " + evalue);
    }

    private void assertSessionIntact() {
        assertEquals("2", client.execute("1 + 1").result(), "a new cell still runs");
        assertEquals("\"kept\"", client.execute("before").result(), "an earlier variable is still there");
    }
}
