package threadbook.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.time.Duration;
import java.util.function.Predicate;
import java.util.function.Supplier;
import threadbook.protocol.Message;

/**
 * Waiting for a state in a test: asks for it again and again until it holds, with a deadline, instead of sleeping
 * a guessed time and asserting (which fails on a busy machine, or waits longer than needed on a quiet one).
 */
public final class Poll {
    private static final Duration EVERY = Duration.ofMillis(100);

    private Poll() {}

    /**
     * Calls {@code probe} until {@code done} holds for what it answers, at most {@code timeout}; returns that answer.
     * Fails naming {@code what} was awaited and the last answer.
     */
    public static <T> T until(Duration timeout, String what, Supplier<T> probe, Predicate<? super T> done) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            T answer = probe.get();
            if (done.test(answer)) {
                return answer;
            }
            if (System.nanoTime() - deadline > 0) {
                return fail("not within " + timeout.toSeconds() + " s: " + what + "; last seen:\n" + answer);
            }
            try {
                Thread.sleep(EVERY.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return fail("interrupted while waiting until " + what);
            }
        }
    }

    /**
     * What cell {@code msgId} prints (stdout and stderr, as they come) from now until {@code done} holds for it, at
     * most {@code timeout}: how a test knows the cell's code is running, e.g. before it interrupts it.
     */
    public static String cellOutput(KernelClient c, String msgId, Duration timeout, String what, Predicate<String> done) {
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!done.test(out.toString())) {
            if (System.nanoTime() - deadline > 0) {
                return fail("not within " + timeout.toSeconds() + " s: " + what + "; the cell printed:\n" + out);
            }
            for (Message m : c.iopubFor(Duration.ofMillis(100))) {
                if (m.type().equals("stream") && KernelClient.parentId(m).equals(msgId)) {
                    out.append(m.contentString("text", ""));
                }
            }
        }
        return out.toString();
    }
}
