package threadbook.remote;

import java.util.ArrayList;
import java.util.List;

/** What stopping the background work did: what it stopped (thread and process names) and what it could not. */
public record BackgroundStop(List<String> stopped, List<String> stuck) {

    /**
     * Stops every thread the cells started and ends every worker process. Says which threads (the first
     * ten, then how many more) and processes it stopped, and which threads it could not stop (deadlocked on
     * monitors).
     */
    public static BackgroundStop of(AgentExecutionControl control) {
        List<String> stopped = new ArrayList<>();
        StoppedThreads threads = control.stopUserThreads(10);
        for (String thread : threads.names()) {
            if (!threads.stuck().contains(thread)) {
                stopped.add("thread " + thread);
            }
        }
        if (threads.total() > threads.names().size()) {
            stopped.add((threads.total() - threads.names().size()) + " more threads");
        }
        control.process().descendants().forEach(p -> {
            stopped.add("process " + p.pid());
            p.destroyForcibly();
        });
        return new BackgroundStop(stopped, threads.stuck().stream().map(t -> "thread " + t).toList());
    }
}
