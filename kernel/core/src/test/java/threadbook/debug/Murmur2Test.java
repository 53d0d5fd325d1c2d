package threadbook.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** Values printed by ipykernel's own murmur2_x86 (ipykernel/compiler.py) with its seed 0xC70F6907. */
class Murmur2Test {
    @Test
    void matchesIpykernelForEveryTailLength() {
        assertEquals(3990065800L, Murmur2.hash("", Murmur2.SEED));
        assertEquals(2167009006L, Murmur2.hash("a", Murmur2.SEED));
        assertEquals(2805137849L, Murmur2.hash("ab", Murmur2.SEED));
        assertEquals(3350977461L, Murmur2.hash("abc", Murmur2.SEED));
        assertEquals(804720481L, Murmur2.hash("abcd", Murmur2.SEED));
    }

    @Test
    void matchesIpykernelForCellsAndUtf8() {
        assertEquals(37870654L, Murmur2.hash("int x = 1;\nSystem.out.println(x);", Murmur2.SEED));
        assertEquals(1440027060L, Murmur2.hash("def f(a, b):\n    c = a + b\n    return c\n\nf(2, 3)", Murmur2.SEED));
        assertEquals(1431075680L, Murmur2.hash("Grüße, 世界", Murmur2.SEED));
    }
}
