package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.jshell.Definition;

class AssistanceTest {

    /** While a restarted session starts, completion offers the names of what it is defining again. */
    @Test
    void namesOfTheDefinitionsBeingReplayed() {
        List<Definition> definitions = List.of(
                new Definition("int twice(int x) {\n    return 2 * x;\n}", "In [1]", 1),
                new Definition("void pause() throws InterruptedException { Thread.sleep(10); }", "In [2]", 1),
                new Definition("<T> List<T> both(T a, T b) { return List.of(a, b); }", "In [2]", 2),
                new Definition("class Counter {\n    int n;\n    void inc() { n++; }\n}", "In [3]", 1),
                new Definition("record Point(int x, int y) { }", "In [3]", 5),
                new Definition("import java.util.concurrent.*;", "In [4]", 1));
        assertEquals(List.of("twice", "pause", "both", "Counter", "Point"), Assistance.names(definitions));
    }

    @Test
    void cursorPositionsCountCodePoints() {
        String code = "String s = \"😀\"; s.len";
        int index = Assistance.toIndex(code, code.codePointCount(0, code.length()));
        assertEquals(code.length(), index);
        assertEquals(code.codePointCount(0, code.length()), Assistance.toCodePoints(code, index));
    }
}
