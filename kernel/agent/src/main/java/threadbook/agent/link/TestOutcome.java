package threadbook.agent.link;

import java.io.Serializable;
import java.util.List;

/**
 * One finished test of a %%test run, or a container (a class, a @RepeatedTest) that failed or was skipped, as
 * threadbook.agent.TestRunner saw it.
 *
 * @param test      a test, not a container
 * @param name      JUnit's display name ("counterIsExact()", "repetition 7 of 50")
 * @param parent    the display name of the method a repetition or parameterized case belongs to; empty if none
 * @param status    SUCCESSFUL, FAILED, ABORTED or SKIPPED
 * @param message   the failure's message, or why it was skipped; empty if none
 * @param exception the failure's class name; empty if none
 * @param frames    the failure's stack, innermost first; empty if none
 * @param stuck     the notebook's threads when a timeout stopped the test; empty otherwise
 * @param millis    how long it ran
 */
public record TestOutcome(boolean test, String name, String parent, String status, String message, String exception,
                          List<StackTraceElement> frames, List<StuckThread> stuck, long millis) implements Serializable {

    public TestOutcome {
        frames = List.copyOf(frames);
        stuck = List.copyOf(stuck);
    }

    public boolean failed() {
        return status.equals("FAILED");
    }

    public boolean passed() {
        return status.equals("SUCCESSFUL");
    }

    /** "counterIsExact() repetition 7 of 50": a repetition or parameterized case names its method too. */
    public String fullName() {
        return parent.isEmpty() || !test ? name : parent + " " + name;
    }
}
