package threadbook.agent.link;

import java.io.Serializable;
import java.util.List;

/**
 * One of the notebook's threads that is stuck (or was running when a test's time ran out), as
 * threadbook.agent.LockReport saw it.
 *
 * @param name     the thread's name
 * @param state    its Thread.State (BLOCKED, WAITING, RUNNABLE, ...)
 * @param waitsFor the lock it waits for, named after the notebook variable that holds it when one does; empty if none
 * @param owner    the thread that holds that lock; empty if none
 * @param frames   its stack, innermost first, down to the code that runs cells
 */
public record StuckThread(String name, String state, String waitsFor, String owner, List<StackTraceElement> frames)
        implements Serializable {

    public StuckThread {
        frames = List.copyOf(frames);
    }
}
