package threadbook.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The cell's tag rides inside JShell's class name and must come off exactly as it went on. */
class CellTagTest {

    @Test
    void aTaggedClassNameGivesBackTheClassAndTheTag() {
        CellTag tag = new CellTag(12, 345, "[3]");
        String tagged = tag.attachTo("REPL.$JShell$22");
        assertEquals("REPL.$JShell$22", CellTag.className(tagged));
        assertEquals(tag, CellTag.of(tagged));
    }

    @Test
    void aLabelMayHoldAnything() {
        // User expressions and magics name their cells in words, which may hold the separator itself.
        CellTag tag = new CellTag(-1, Long.MAX_VALUE, "[user expression]; a;b ;");
        assertEquals(tag, CellTag.of(tag.attachTo("REPL.$JShell$5")));
        CellTag empty = new CellTag(Long.MIN_VALUE, 0, "");
        assertEquals(empty, CellTag.of(empty.attachTo("x")));
    }

    @Test
    void anUntaggedClassNameStaysAsItIs() {
        assertNull(CellTag.of("REPL.$JShell$22"));
        assertEquals("REPL.$JShell$22", CellTag.className("REPL.$JShell$22"));
    }

    @Test
    void aBrokenTagIsRefused() {
        assertThrows(IllegalArgumentException.class, () -> CellTag.of("REPL.$JShell$22;5"));
        assertThrows(NumberFormatException.class, () -> CellTag.of("REPL.$JShell$22;five;6;[1]"));
    }
}
