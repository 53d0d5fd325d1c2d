package threadbook.remote;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.logging.Logger;

/**
 * The kernel's part of the limits an instructor sets (kernel.json's "env", written by install.sh's
 * {@code --max-heap}, {@code --max-output}): they become options of the Java process that runs the cells.
 * The agent reads the others itself (threadbook.host.Limits: threads, workers).
 */
public final class AgentLimits {
    public static final String HEAP_SETTING = "THREADBOOK_MAX_HEAP";
    public static final String OUTPUT_SETTING = "THREADBOOK_MAX_OUTPUT";
    private static final Logger LOG = Logger.getLogger(AgentLimits.class.getName());

    private AgentLimits() {}

    /**
     * The agent JVM's options for the settings in {@code env}: {@code -Xmx} (worker processes inherit it) and
     * the output cap per cell and stream. They go after THREADBOOK_AGENT_OPTS, so that the limit wins.
     */
    public static List<String> agentOptions(Map<String, String> env) {
        List<String> options = new ArrayList<>();
        long heap = size(env, HEAP_SETTING);
        if (heap > 0) {
            options.add("-Xmx" + (heap >> 10) + "k");
        }
        long output = size(env, OUTPUT_SETTING);
        if (output > 0) {
            options.add("-Dthreadbook.output.cap=" + output);
        }
        return options;
    }

    /** A size such as 8m, 512k, 2g or 1048576 (bytes), or -1 when unset or unreadable (the default stays). */
    static long size(Map<String, String> env, String name) {
        String value = env.get(name);
        if (value == null || value.isBlank()) {
            return -1;
        }
        String v = value.strip().toLowerCase(Locale.ROOT).replaceFirst("i?b$", "");
        long unit = 1;
        if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
            unit = v.endsWith("k") ? 1L << 10 : v.endsWith("m") ? 1L << 20 : 1L << 30;
            v = v.substring(0, v.length() - 1);
        }
        try {
            long n = Long.parseLong(v);
            if (n > 0 && n <= Long.MAX_VALUE / unit && n * unit >= 1024) {
                return n * unit;
            }
        } catch (NumberFormatException e) {
            // said below
        }
        LOG.warning(name + "=" + value + " is not a size such as 512k, 8m or 2g (at least 1k); it is ignored");
        return -1;
    }
}
