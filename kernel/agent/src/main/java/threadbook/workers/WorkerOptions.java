package threadbook.workers;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** JVM options of worker processes: a quick start, and the agent's own language settings. */
final class WorkerOptions {
    private WorkerOptions() {}

    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        options.add("-XX:+UseSerialGC");        // a small worker needs no parallel collector threads
        options.add("-XX:-UsePerfData");
        options.add("-Xshare:auto");
        if (Runtime.version().feature() >= 19) {
            // A class data archive of the worker's classes, made by the first worker and used by the
            // next ones: a worker JVM starts faster (JDK 19+).
            Path archive = Path.of(System.getProperty("java.io.tmpdir"),
                    "threadbook-worker-" + Runtime.version().feature() + "-" + System.getProperty("user.name", "user") + ".jsa");
            options.add("-XX:+AutoCreateSharedArchive");
            options.add("-XX:SharedArchiveFile=" + archive);
            options.add("-Xlog:cds=off");
            options.add("-Xlog:cds+dynamic=off");
        }
        options.add("-Dfile.encoding=UTF-8");
        options.add("-Dstdout.encoding=UTF-8");
        options.add("-Dstderr.encoding=UTF-8");
        for (String arg : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (arg.equals("--enable-preview") || arg.startsWith("-Xmx") || arg.startsWith("--add-opens")
                    || arg.startsWith("--add-exports")) {
                options.add(arg);
            }
        }
        return options;
    }
}
