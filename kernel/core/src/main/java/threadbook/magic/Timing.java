package threadbook.magic;

import java.util.Locale;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.CpuReading;

/**
 * Wall and CPU time of running something in the agent JVM. CPU time is the whole JVM's (every thread,
 * not just the one running the cell) plus the worker processes it waited for, so the ratio CPU/wall
 * tells waiting (~0), one busy core (~1) and several (> 1) apart; in between, part computing, part waiting.
 */
record Timing(long wallNanos, long jvmCpuNanos, long workerCpuNanos) {

    /**
     * A reading of the agent's counters: CPU time of the JVM and of its worker processes, and when the
     * user code run since the previous reading started and ended (agent clock). Wall time comes from the
     * last two, so it leaves out JShell compiling the code, as IPython's %time leaves out parsing.
     */
    record Cpu(long jvm, long workers, long codeStart, long codeEnd) {
        static Cpu read(MagicContext context) throws AgentException {
            CpuReading reading = context.agent().cpu();
            return new Cpu(reading.jvmNanos(), reading.workerNanos(), reading.codeStart(), reading.codeEnd());
        }
    }

    static Timing between(Cpu before, Cpu after) {
        long wall = after.codeStart() == 0 ? 0 : Math.max(0, after.codeEnd() - after.codeStart());
        return new Timing(wall, Math.max(0, after.jvm() - before.jvm()), Math.max(0, after.workers() - before.workers()));
    }

    double wallSeconds() {
        return wallNanos / 1e9;
    }

    double cpuSeconds() {
        return (jvmCpuNanos + workerCpuNanos) / 1e9;
    }

    double parallelism() {
        return wallNanos == 0 ? 0 : (double) (jvmCpuNanos + workerCpuNanos) / wallNanos;
    }

    /** What the CPU/wall ratio means, in words. */
    static String meaning(double parallelism) {
        if (parallelism < 0.25) {
            return "mostly waiting (sleeping, I/O, locks)";
        }
        // Between waiting and one busy core, the ratio is an average: 0.6 is not "one core", it is time spent
        // partly computing (starting 10,000 threads, say) and partly waiting (their sleeps).
        if (parallelism < 0.85) {
            return "partly computing, partly waiting";
        }
        if (parallelism < 1.4) {
            return "about one core busy";
        }
        return String.format(Locale.ROOT, "about %.1f cores busy at once", parallelism);
    }

    String report() {
        return String.format(Locale.ROOT, "Wall time: %s%nCPU time:  %s (this JVM, all threads) + %s (worker processes)%n"
                        + "Parallelism (CPU / wall): %.2f, %s%n",
                seconds(wallNanos), seconds(jvmCpuNanos), seconds(workerCpuNanos), parallelism(), meaning(parallelism()));
    }

    static String seconds(long nanos) {
        return seconds((double) nanos);
    }

    static String seconds(double nanos) {
        double s = nanos / 1e9;
        if (s >= 1) {
            return String.format(Locale.ROOT, "%.2f s", s);
        }
        if (s >= 1e-3) {
            return String.format(Locale.ROOT, "%.1f ms", s * 1e3);
        }
        if (s >= 1e-6) {
            return String.format(Locale.ROOT, "%.1f µs", s * 1e6);
        }
        return String.format(Locale.ROOT, s * 1e9 >= 10 ? "%.0f ns" : "%.2f ns", s * 1e9);
    }
}
