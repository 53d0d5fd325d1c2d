package threadbook.agent.link;

import java.io.Serializable;
import java.util.List;

/**
 * A finished %%timeline recording: the JFR file (in the session's private folder; the reader deletes
 * it), when it started and ended (epoch nanoseconds), and the worker tasks that ran meanwhile, one
 * line each: "index pid startEpochNs endEpochNs".
 */
public record Recording(String file, long fromEpochNanos, long toEpochNanos, List<String> workerTasks)
        implements Serializable {
    public Recording {
        workerTasks = List.copyOf(workerTasks);
    }
}
