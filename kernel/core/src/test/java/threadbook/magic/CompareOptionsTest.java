package threadbook.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** %%compare's options: -r and --slider, in any order, and what a student reads when one is wrong. */
class CompareOptionsTest {
    @Test
    void aSliderWithAndWithoutItsStartAndBesideRepeats() throws MagicException {
        assertEquals(new CompareMagic.Options(1, new CompareMagic.Slider("threads", 1, 8, 4)), CompareMagic.options("--slider threads=1:8:4"));
        assertEquals(new CompareMagic.Options(3, new CompareMagic.Slider("n", 2, 16, 2)), CompareMagic.options("--slider n=2:16 -r 3"));
        assertEquals(new CompareMagic.Options(5, null), CompareMagic.options("-r 5"));
        assertNull(CompareMagic.options("").slider());
    }

    @Test
    void aWrongSliderSaysWhatIsExpected() {
        assertTrue(assertThrows(MagicException.class, () -> CompareMagic.options("--slider threads"))
                .getMessage().contains("NAME=MIN:MAX"));
        assertTrue(assertThrows(MagicException.class, () -> CompareMagic.options("--slider t=8:1"))
                .getMessage().contains("MIN must be below MAX"));
        assertTrue(assertThrows(MagicException.class, () -> CompareMagic.options("--slider t=1:8:9"))
                .getMessage().contains("START between them"));
        assertTrue(assertThrows(MagicException.class, () -> CompareMagic.options("--slider"))
                .getMessage().contains("--slider NAME=MIN:MAX[:START]"));
        assertTrue(assertThrows(MagicException.class, () -> CompareMagic.options("-r 0")).getMessage().contains("between 1 and 100"));
    }
}
