package threadbook.host;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The limits an instructor sets per kernel, in the kernel's environment (kernel.json's "env", written by
 * {@code install.sh --max-threads N --max-workers N}): how many threads and worker processes one notebook
 * may have alive at once. The defaults fit the machine. Every error that enforces one names its setting.
 */
public final class Limits {
    public static final String THREADS_SETTING = "THREADBOOK_MAX_THREADS";
    public static final String WORKERS_SETTING = "THREADBOOK_MAX_WORKERS";
    /**
     * Notebook 05 starts 10,000 platform threads at once (beside those the notebook already has), so the
     * default leaves room for that; on a machine whose process limit is lower it is 3/4 of that limit.
     */
    static final int MOST_THREADS_BY_DEFAULT = 12_000;

    private static final int MAX_THREADS = read(THREADS_SETTING, defaultThreads());
    private static final int MAX_WORKERS = read(WORKERS_SETTING, defaultWorkers());

    private Limits() {}

    /** The most threads the notebook's code may have alive at once (platform threads: virtual ones cost no pid). */
    public static int maxThreads() {
        return MAX_THREADS;
    }

    /** The most worker processes (pre-started spares included) alive at once. */
    public static int maxWorkers() {
        return MAX_WORKERS;
    }

    /** A setting's value: a positive whole number, else the default (a bad value is not worth a dead kernel). */
    private static int read(String name, int fallback) {
        String value = System.getenv(name);
        if (value == null || value.isBlank()) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(value.strip().replace("_", ""));
            return n > 0 ? n : fallback;
        } catch (NumberFormatException e) {
            System.err.println("threadbook: " + name + "=" + value + " is not a whole number; using " + fallback);
            return fallback;
        }
    }

    /**
     * Each worker is a JVM of about 60 MB (more with the heap it fills): four per core keeps the cores busy,
     * one per 512 MB of memory keeps the machine out of swap and out of reach of its OOM killer; never fewer
     * than 8 (the course's notebooks use up to 5 at once, with spares behind them), never more than 64.
     */
    static int defaultWorkers() {
        int cores = Runtime.getRuntime().availableProcessors();
        long memoryMb = 8192;
        if (java.lang.management.ManagementFactory.getOperatingSystemMXBean()
                instanceof com.sun.management.OperatingSystemMXBean os) {
            @SuppressWarnings("deprecation") // getTotalMemorySize is JDK 14+, this one runs everywhere
            long bytes = os.getTotalPhysicalMemorySize();
            memoryMb = bytes >> 20;
        }
        return (int) Math.max(8, Math.min(64, Math.min(4L * cores, memoryMb / 512)));
    }

    /**
     * 12,000, or 3/4 of the lowest limit on processes (threads are processes to Linux) this JVM is under, if
     * lower: the user's RLIMIT_NPROC, the cgroup's pids.max, the machine's pid_max and threads-max. A
     * notebook that reaches it stops with an error; one that reached the real limit would leave the user
     * (every process of theirs, other kernels too) unable to start a thread.
     */
    static int defaultThreads() {
        long lowest = Long.MAX_VALUE;
        lowest = Math.min(lowest, number(procLimit("Max processes")));
        lowest = Math.min(lowest, number(read(Path.of("/proc/sys/kernel/pid_max"))));
        lowest = Math.min(lowest, number(read(Path.of("/proc/sys/kernel/threads-max"))));
        for (Path pidsMax : cgroupPidsMax()) {
            lowest = Math.min(lowest, number(read(pidsMax)));
        }
        return (int) Math.max(100, Math.min(MOST_THREADS_BY_DEFAULT, lowest / 4 * 3));
    }

    /** The soft limit of one line of /proc/self/limits, e.g. "Max processes 96367 96367 processes". */
    private static String procLimit(String name) {
        for (String line : read(Path.of("/proc/self/limits")).split("\n")) {
            if (line.startsWith(name)) {
                String[] words = line.substring(name.length()).trim().split("\\s+");
                return words.length > 0 ? words[0] : "";
            }
        }
        return "";
    }

    /** pids.max of this process's cgroup (v2, or v1's pids controller). */
    private static java.util.List<Path> cgroupPidsMax() {
        java.util.List<Path> files = new java.util.ArrayList<>();
        for (String line : read(Path.of("/proc/self/cgroup")).split("\n")) {
            String[] parts = line.split(":", 3);
            if (parts.length == 3 && parts[0].equals("0")) {
                files.add(Path.of("/sys/fs/cgroup", parts[2], "pids.max"));
            } else if (parts.length == 3 && java.util.Arrays.asList(parts[1].split(",")).contains("pids")) {
                files.add(Path.of("/sys/fs/cgroup/pids", parts[2], "pids.max"));
            }
        }
        return files;
    }

    private static long number(String text) {
        try {
            return Long.parseLong(text.strip());
        } catch (NumberFormatException e) {
            return Long.MAX_VALUE; // "max", "unlimited", or not Linux
        }
    }

    /** Read to the end of the stream: a /proc file's size says 0 (or less than it holds), which Files.readString trusts. */
    private static String read(Path file) {
        try (java.io.InputStream in = Files.newInputStream(file)) {
            return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        } catch (java.io.IOException | RuntimeException e) {
            return "";
        }
    }
}
