package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ThreadLimitTest {

    @Test
    void theThreadMessageNamesTheLimitAndTheSetting() {
        String message = ThreadLimit.message(12_345, 12_000, true);
        assertTrue(message.contains("12,345") && message.contains("12,000") && message.contains("THREADBOOK_MAX_THREADS")
                && message.contains("--max-threads"), message);
    }
}
