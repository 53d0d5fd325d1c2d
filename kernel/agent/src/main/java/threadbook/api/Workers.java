package threadbook.api;

import java.util.ArrayList;
import java.util.List;

/** Helpers over worker processes (what %%processes uses). */
public final class Workers {
    private Workers() {}

    /** A body run by each of N worker processes, given its index (0 to N-1). */
    @FunctionalInterface
    public interface IndexedBody extends java.io.Serializable {
        void run(int workerIndex) throws Exception;
    }

    /**
     * Runs {@code body} in {@code n} worker processes at once and waits for all; each gets its index.
     * Returns their exit codes; a failure shows its stack trace under the cell.
     */
    public static List<Integer> runEach(int n, IndexedBody body) throws InterruptedException {
        threadbook.workers.WorkerRegistry.checkRoom(n, "running in " + n + " worker processes");
        List<WorkerProcess> processes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int index = i;
            processes.add(new WorkerProcess(() -> body.run(index)).start());
        }
        List<Integer> codes = new ArrayList<>();
        for (WorkerProcess p : processes) {
            p.join();
            codes.add(p.exitCode());
        }
        return codes;
    }
}
