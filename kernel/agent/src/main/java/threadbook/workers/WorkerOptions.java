package threadbook.workers;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import threadbook.host.PrivateFolder;

/** JVM options of worker processes: a quick start, and the agent's own language settings. */
final class WorkerOptions {
    /** The system property that tells a worker its agent's pid (see WorkerMain.watchAgent). */
    static final String AGENT_PID = "threadbook.agent.pid";

    private WorkerOptions() {}

    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        options.add("-XX:+UseSerialGC");        // a small worker needs no parallel collector threads
        options.add("-XX:-UsePerfData");
        options.add("-Xshare:auto");
        if (Runtime.version().feature() >= 19) {
            // A class data archive of the worker's classes, made by the first worker and used by the
            // next ones: a worker JVM starts faster (JDK 19+).
            // It lives in the user's private folder: at a fixed name in the shared temp folder another
            // user could plant an archive of their own, or a broken one.
            Path archive = PrivateFolder.get().resolve("worker-" + Runtime.version().feature() + ".jsa");
            options.add("-XX:+AutoCreateSharedArchive");
            options.add("-XX:SharedArchiveFile=" + archive);
            options.add("-Xlog:cds=off");
            options.add("-Xlog:cds+dynamic=off");
        }
        // A crashing worker writes its hs_err log there too, not next to the user's notebooks.
        options.add("-XX:ErrorFile=" + PrivateFolder.get().resolve("hs_err_pid%p.log"));
        options.add("-XX:ReplayDataFile=" + PrivateFolder.get().resolve("replay_pid%p.log"));
        options.add("-D" + PrivateFolder.PROPERTY + "=" + PrivateFolder.get());
        options.add("-D" + AGENT_PID + "=" + ProcessHandle.current().pid());
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
