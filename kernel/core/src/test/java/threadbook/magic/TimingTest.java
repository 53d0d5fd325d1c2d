package threadbook.magic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

/** The words beside the CPU/wall ratio say what the number means: waiting, computing, or some of each. */
class TimingTest {

    @Test
    void theRatioIsNamedByWhatItMeans() {
        assertEquals("mostly waiting (sleeping, I/O, locks)", Timing.meaning(0.02));
        // 10,000 sleeping virtual threads measured 0.59: CPU spent starting them, then waiting; not "one core busy".
        assertEquals("partly computing, partly waiting", Timing.meaning(0.59));
        assertEquals("about one core busy", Timing.meaning(1.03));
        assertEquals("about 1.9 cores busy at once", Timing.meaning(1.94));
    }
}
