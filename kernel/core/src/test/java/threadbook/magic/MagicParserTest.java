package threadbook.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.magic.MagicParser.Step;
import threadbook.magic.MagicParser.Step.Kind;

class MagicParserTest {

    /** Line {@code n} (from 1) of a text, as an error message would count it. */
    private static String line(String text, int n) {
        return text.split("\n", -1)[n - 1];
    }

    @Test
    void javaWithoutMagicsIsOneStepThatIsTheWholeCell() {
        String cell = "int a = 1;\nSystem.out.println(a);";
        List<Step> steps = MagicParser.parse(cell);
        assertEquals(List.of(new Step(Kind.JAVA, null, null, null, cell, 1)), steps);
        assertFalse(MagicParser.hasMagic(cell));
    }

    @Test
    void lineMagicsSplitTheJavaAroundThemInOrder() {
        String cell = "int a = 1;\n%time a++;\nint b = a;\n%threads\nb";
        List<Step> steps = MagicParser.parse(cell);
        assertEquals(List.of(Kind.JAVA, Kind.LINE_MAGIC, Kind.JAVA, Kind.LINE_MAGIC, Kind.JAVA),
                steps.stream().map(Step::kind).toList());
        assertEquals("time", steps.get(1).name());
        assertEquals("a++;", steps.get(1).args());
        assertNull(steps.get(1).body(), "a line magic has no body");
        assertEquals(2, steps.get(1).firstLine());
        assertEquals("threads", steps.get(3).name());
        assertEquals("", steps.get(3).args());
        assertEquals(4, steps.get(3).firstLine());
        assertEquals("int a = 1;\n", steps.get(0).code());
        assertTrue(MagicParser.hasMagic(cell));
    }

    @Test
    void javaAfterAMagicKeepsTheLineNumbersOfTheCell() {
        String cell = "%maven g:a:1\n\nint b = 2;\nint c = b +;\n%lsmagic\nString s = \"x\";";
        List<Step> java = MagicParser.parse(cell).stream().filter(s -> s.kind() == Kind.JAVA).toList();
        assertEquals(2, java.size(), java.toString());
        // The compiler reports line 4 of the piece for "int c = b +;": it must be line 4 of the cell too.
        assertEquals(line(cell, 4), line(java.get(0).code(), 4));
        assertEquals(line(cell, 3), line(java.get(0).code(), 3));
        assertEquals(2, java.get(0).firstLine());
        assertEquals(line(cell, 6), line(java.get(1).code(), 6));
        assertEquals(6, java.get(1).firstLine());
    }

    @Test
    void blankJavaBetweenMagicsIsNotAStep() {
        List<Step> steps = MagicParser.parse("\n%lsmagic\n   \n%help time\n\n");
        assertEquals(List.of(Kind.LINE_MAGIC, Kind.LINE_MAGIC), steps.stream().map(Step::kind).toList());
        assertEquals("time", steps.get(1).args());
        assertEquals(2, steps.get(0).firstLine());
        assertEquals(4, steps.get(1).firstLine());
    }

    @Test
    void anIndentedLineMagicIsOneAndItsArgumentsLoseOnlyTheFirstSpaces() {
        Step step = MagicParser.parse("    %timeit   -n 3  Math.sqrt(2)").get(0);
        assertEquals(Kind.LINE_MAGIC, step.kind());
        assertEquals("timeit", step.name());
        assertEquals("-n 3  Math.sqrt(2)", step.args());
    }

    @Test
    void aQuestionMarkStaysOnTheNameForTheRegistryToRead() {
        Step step = MagicParser.parse("%timeit?").get(0);
        assertEquals("timeit?", step.name());
    }

    @Test
    void aCellMagicTakesTheWholeRestOfTheCellAsItsBodyOnTheSameLines() {
        String cell = "%%timeit -n 3 -r 2\nint x = 1;\n%time x++;\nx";
        List<Step> steps = MagicParser.parse(cell);
        assertEquals(1, steps.size(), "a line magic in a cell magic's body belongs to the body: " + steps);
        Step step = steps.get(0);
        assertEquals(Kind.CELL_MAGIC, step.kind());
        assertEquals("timeit", step.name());
        assertEquals("-n 3 -r 2", step.args());
        assertEquals(1, step.firstLine());
        assertNull(step.code());
        assertEquals("", line(step.body(), 1), "the magic's own line is blank in the body");
        for (int n = 2; n <= 4; n++) {
            assertEquals(line(cell, n), line(step.body(), n));
        }
    }

    @Test
    void aCellMagicAfterBlankLinesStillCountsTheCellsLines() {
        String cell = "\n\n  %%time\nThread.sleep(10);";
        Step step = MagicParser.parse(cell).get(0);
        assertEquals(Kind.CELL_MAGIC, step.kind());
        assertEquals("time", step.name());
        assertEquals("", step.args());
        assertEquals(3, step.firstLine());
        assertEquals(line(cell, 4), line(step.body(), 4));
    }

    @Test
    void aCellMagicAloneHasAnEmptyBody() {
        Step step = MagicParser.parse("%%compare").get(0);
        assertEquals(new Step(Kind.CELL_MAGIC, "compare", "", "", null, 1), step);
    }

    @Test
    void twoPercentSignsBelowTheFirstLineAreJavaNotAMagic() {
        // Only the first line may start a cell magic; the compiler then says what is wrong with this line.
        String cell = "int a = 1;\n%%time\nint b = 2;";
        List<Step> steps = MagicParser.parse(cell);
        assertEquals(List.of(new Step(Kind.JAVA, null, null, null, cell, 1)), steps);
    }

    @Test
    void anEmptyOrBlankCellIsOneJavaStep() {
        assertEquals(List.of(new Step(Kind.JAVA, null, null, null, "", 1)), MagicParser.parse(""));
        assertEquals(List.of(new Step(Kind.JAVA, null, null, null, " \n\t", 1)), MagicParser.parse(" \n\t"));
    }

    @Test
    void aPercentInsideALineIsJava() {
        String cell = "int r = 7 % 3;\nSystem.out.printf(\"%d%n\", r);";
        assertFalse(MagicParser.hasMagic(cell));
        assertEquals(Kind.JAVA, MagicParser.parse(cell).get(0).kind());
        assertEquals(1, MagicParser.parse(cell).size());
    }

    @Test
    void aLineStartingWithPercentInsideATextBlockOrACommentIsJava() {
        String textBlock = "String report = \"\"\"\n    %d items\n    %threads\n    \"\"\";\nSystem.out.printf(report, 3);";
        assertFalse(MagicParser.hasMagic(textBlock), "a text block's lines are text");
        assertEquals(List.of(new Step(Kind.JAVA, null, null, null, textBlock, 1)), MagicParser.parse(textBlock));

        String comment = "/*\n%time is a magic\n*/\nint a = 1;";
        assertFalse(MagicParser.hasMagic(comment), "a block comment's lines are comment");

        // After the text block closes, a % line is a magic again; quotes inside strings open nothing.
        String after = "String s = \"\"\"\n  x\n  \"\"\";\nString q = \"\\\"\\\"\\\"/*\";\n%threads\nint b = 2;";
        List<Step> steps = MagicParser.parse(after);
        assertEquals(List.of(Kind.JAVA, Kind.LINE_MAGIC, Kind.JAVA), steps.stream().map(Step::kind).toList(), steps.toString());
        assertEquals("threads", steps.get(1).name());
        assertEquals(5, steps.get(1).firstLine());
    }
}
