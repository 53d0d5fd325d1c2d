package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void theDefaultsFitTheCourseAndTheMachine() {
        int workers = Limits.defaultWorkers();
        assertTrue(workers >= 8 && workers <= 64, "room for the notebooks' 5 workers and spares, bounded: " + workers);
        int threads = Limits.defaultThreads();
        assertTrue(threads >= 100 && threads <= Limits.MOST_THREADS_BY_DEFAULT, String.valueOf(threads));
        System.out.println("default limits here: " + workers + " workers, " + threads + " threads");
    }

    @Test
    void theThreadMessageNamesTheLimitAndTheSetting() {
        String message = ThreadLimit.message(12_345, 12_000);
        assertTrue(message.contains("12,345") && message.contains("12,000") && message.contains("THREADBOOK_MAX_THREADS")
                && message.contains("--max-threads"), message);
    }
}
