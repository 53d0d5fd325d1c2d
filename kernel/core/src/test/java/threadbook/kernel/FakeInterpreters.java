package threadbook.kernel;

import java.util.ArrayList;
import java.util.List;

/** Starts {@link FakeInterpreter}s for JShellSessions, keeping each one and one log for all of them. */
final class FakeInterpreters {
    private final List<String> log = new ArrayList<>();
    private final List<FakeInterpreter> started = new ArrayList<>();

    /** The starter JShellSessions calls for each session, the first one and each restart. */
    JShellSessions.Starter starter() {
        return (replay, jars) -> {
            FakeInterpreter fake = new FakeInterpreter(log, replay, jars);
            synchronized (started) {
                started.add(fake);
            }
            return fake;
        };
    }

    void log(String line) {
        synchronized (log) {
            log.add(line);
        }
    }

    List<String> logged() {
        synchronized (log) {
            return List.copyOf(log);
        }
    }

    void clearLog() {
        synchronized (log) {
            log.clear();
        }
    }

    /** How many sessions were started so far. */
    int count() {
        synchronized (started) {
            return started.size();
        }
    }

    FakeInterpreter get(int index) {
        synchronized (started) {
            return started.get(index);
        }
    }
}
