package threadbook.agent.link;

import java.io.Serializable;

/**
 * The agent's counters: CPU time of its whole JVM and of its worker processes (nanoseconds; -1 if the
 * JVM cannot tell), and when the user code run since the previous reading started and ended (agent's
 * System.nanoTime; start 0 if none ran).
 */
public record CpuReading(long jvmNanos, long workerNanos, long codeStart, long codeEnd) implements Serializable {}
