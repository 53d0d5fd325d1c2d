package threadbook.magic;

import java.util.HashMap;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What each thread was doing when a %%timeline recording stopped, read from the thread dump Flight Recorder
 * takes as it ends the recording (the jdk.ThreadDump event). It is needed because JFR writes a blocked, waiting
 * or sleeping span only when it ends: a thread still blocked at the end (a deadlock) left no event at all.
 */
final class EndStates {
    // A thread's header line, then its state two lines on at most: `"name" #28 [8306] prio=5 ...` (JDK 21+) or
    // `"name" #19 daemon prio=5 ...` (JDK 17), then `   java.lang.Thread.State: BLOCKED (on object monitor)`.
    private static final Pattern THREAD = Pattern.compile(
            "^\".*\" #(\\d+) .*\\R\\s+java\\.lang\\.Thread\\.State: ([A-Z_]+)", Pattern.MULTILINE);

    private EndStates() {}

    /** The state of each thread in the dump, by its Java thread id (Thread.threadId()). */
    static Map<Long, Thread.State> parse(String dump) {
        Map<Long, Thread.State> states = new HashMap<>();
        Matcher m = THREAD.matcher(dump);
        while (m.find()) {
            try {
                states.put(Long.parseLong(m.group(1)), Thread.State.valueOf(m.group(2)));
            } catch (IllegalArgumentException e) {
                // a state a later JDK added: the row is drawn from its events only
            }
        }
        return states;
    }
}
