package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import jdk.jshell.JShell;
import jdk.jshell.SourceCodeAnalysis;
import jdk.jshell.SourceCodeAnalysis.CompletionInfo;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The one-pass splitter must cut a cell exactly where JShell would, asked about the whole rest of the
 * cell for each snippet (the slow way it replaces).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SnippetSplitterTest {
    private JShell jshell;
    private SourceCodeAnalysis analysis;

    @BeforeAll
    void start() {
        jshell = JShell.builder().executionEngine("local").build();
        analysis = jshell.sourceCodeAnalysis();
    }

    @AfterAll
    void stop() {
        jshell.close();
    }

    @ParameterizedTest
    @ValueSource(strings = {
        "int x = 1;\nx++;\nSystem.out.println(x);",
        "if (a) foo(); else bar();\nbaz();",
        "if (a) { foo(); }\nelse { bar(); }\nbaz();",
        "if (a) foo();\nelse if (b) bar();\nelse baz();\nqux();",
        "do x++; while (x < 3);\ny();",
        "for (int i = 0; i < 3; i++) sum += i;\nsum",
        "int f() { return 1; }\nf()",
        "class A { int x; }\nnew A().x",
        "String s = \"a;b{\"; char c = '}'; char d = '\\''; s.length()",
        "String t = \"\"\"\n  text; { \\\"\"\" \n  \"\"\";\nt",
        "/* a; { */ foo(); // b; }\nbar();",
        "foo(); /* trailing */ bar();",
        "Runnable r = () -> { run(); };\nr.run();",
        "int[] a = {1, 2};\na.length",
        "label: for (;;) { break label; }\nafter();",
        "x = switch (y) { case 1 -> 2; default -> 3; };\nx",
        "try { f(); } catch (Exception e) { }\ng();",
        "try { f(); } finally { g(); }\nh();",
        "import java.util.*;\nList<String> l = new ArrayList<>();",
        "@Deprecated void old() {}\nold();",
        "foo();;\nbar();",
        "x = 1\ny = 2;",
        "int x = 1",
        "foo(;\nbar();",
        "enum E { A, B }\nE.A",
        "record P(int x, int y) {}\nnew P(1, 2)",
        "var list = List.of(1, 2,\n    3);\nlist.size()",
        "synchronized (lock) { n++; }\nm();",
        "assert x > 0 : \"neg\";\ny();",
        "new Thread(() -> {\n  for (int i = 0; i < 3; i++) { System.out.println(i); }\n}).start();\nt.join();",
        "Object o = new Object() { public String toString() { return \"o\"; } };\no",
        "x = a < b ? c : d;\ny = (int) z;",
        "// only a comment",
        "int a = 1; // trailing\n// comment line\n",
        "String u = \"\\u0041\"; u",
        "while (x < 3) x++;\nx",
        "static int n = 3;\nfinal int m = 4;\nn + m",
        "int a = 1, b = 2;\na + b",
        "String s = \"unterminated;\nfoo();",
        "/* never closed; foo();",
        "interface I { void f(); }\nI i = () -> {};\ni.f();",
    })
    void cutsWhereJShellCuts(String code) {
        assertEquals(reference(code), fast(code), code);
    }

    @Test
    void aLongCellWithDeclarationsBetweenStatementsIsCutWhereJShellCutsIt() {
        StringBuilder code = new StringBuilder();
        for (int i = 0; i < 40; i++) {
            code.append("System.out.println(\"line ").append(i).append(";{\");\n");
            code.append("total += ").append(i).append(";\n");
            if (i % 10 == 3) {
                // a method longer than the first window JShell is shown
                code.append("int method").append(i).append("() {\n");
                code.append("    int n = 0;\n".repeat(400)).append("    return n;\n}\n");
                code.append("if (total > 3) {\n    total--;\n}\nelse\n{\n    total++;\n}\n");
            }
        }
        code.append("total");
        assertEquals(reference(code.toString()), fast(code.toString()));
    }

    @Test
    void plainStatementsDoNotAskJShell() {
        String code = "System.out.println(\"a\");\nx = 1;\n".repeat(1000) + "x";
        AtomicInteger asked = new AtomicInteger();
        List<SnippetSplitter.Piece> pieces = SnippetSplitter.split(code, text -> {
            asked.incrementAndGet();
            return analysis.analyzeCompletion(text);
        });
        assertEquals(2001, pieces.size());
        assertEquals(1, asked.get(), "only the last expression, which has no semicolon");
    }

    @Test
    void anOversizedStringLiteralIsFoundBeforeJShellSeesIt() {
        String big = "x".repeat(65_536);
        assertEquals(9, SnippetSplitter.oversizedLiteral("String s=\"" + big + "\";"));
        assertEquals(-1, SnippetSplitter.oversizedLiteral("String s=\"" + "x".repeat(65_535) + "\";"));
        // 21,846 characters of 3 bytes each are 65,538 bytes
        assertTrue(SnippetSplitter.oversizedLiteral("s = \"" + "\u20ac".repeat(21_846) + "\";") >= 0);
        // escapes count for what they stand for: 40,000 "\n" are 40,000 bytes, not 80,000
        assertEquals(-1, SnippetSplitter.oversizedLiteral("s = \"" + "\\n".repeat(40_000) + "\";"));
        assertTrue(SnippetSplitter.oversizedLiteral("s = \"\"\"\n" + "\u00e9\u00e9 text\n".repeat(7_000) + "\"\"\";") >= 0);
        assertEquals(-1, SnippetSplitter.oversizedLiteral("// \"" + big + "\"\nint x = 1;"), "a comment is not a literal");
    }

    /** What the splitter finds: each piece's source without comments, and where the next one may start. */
    private List<String> fast(String code) {
        List<String> out = new ArrayList<>();
        for (SnippetSplitter.Piece p : SnippetSplitter.split(code, analysis::analyzeCompletion)) {
            out.add(SnippetSplitter.withoutComments(p.source()).strip() + " @" + p.completeness().isComplete()
                    + " ..." + nextStart(code, p.end()));
        }
        return out;
    }

    /** The slow way: JShell is given the whole rest of the cell for each snippet. */
    private List<String> reference(String code) {
        List<String> out = new ArrayList<>();
        String remaining = code;
        int consumed = 0;
        while (!remaining.isBlank()) {
            CompletionInfo info = analysis.analyzeCompletion(remaining);
            if (info.completeness() == SourceCodeAnalysis.Completeness.EMPTY) {
                break;
            }
            String source = info.completeness().isComplete() ? info.source() : remaining;
            String rest = info.completeness().isComplete() ? info.remaining() : "";
            consumed += remaining.length() - rest.length();
            remaining = rest;
            out.add(SnippetSplitter.withoutComments(source).strip() + " @" + info.completeness().isComplete()
                    + " ..." + nextStart(code, consumed));
        }
        return out;
    }

    /** The next offset that is not whitespace or inside a comment. */
    private static int nextStart(String code, int from) {
        String blanked = SnippetSplitter.withoutComments(code);
        int i = from;
        while (i < blanked.length() && Character.isWhitespace(blanked.charAt(i))) {
            i++;
        }
        return i;
    }
}
