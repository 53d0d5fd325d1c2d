package threadbook.workers;

import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import threadbook.host.PrivateFolder;

/** JVM options of worker processes: a quick start, and the agent's own language settings. */
final class WorkerOptions {
    /** The system property that tells a worker its agent's pid (see WorkerMain.watchAgent). */
    static final String AGENT_PID = "threadbook.agent.pid";
    /**
     * The system property that install/install.sh's training run gives the agent JVM: the file where the
     * first worker it starts records, as it ends, what install.sh makes the workers' AOT cache from.
     */
    static final String TRAINING_CONFIG = "threadbook.worker.aotconf";
    /** The workers' AOT cache, which install.sh makes beside the agent's jar (JDK 24+). */
    static final String CACHE = "worker.aot";

    private static final AtomicBoolean RECORDING = new AtomicBoolean();
    private static final AtomicBoolean SWEPT = new AtomicBoolean();
    private static final AtomicBoolean ARCHIVE_WRITER = new AtomicBoolean();
    /** An archive for another jar older than this is deleted (see dynamicArchive). */
    static final int STALE_DAYS = 30;

    private WorkerOptions() {}

    static List<String> jvmOptions() {
        List<String> options = new ArrayList<>();
        options.add("-XX:+UseSerialGC");        // a small worker needs no parallel collector threads
        options.add("-XX:-UsePerfData");
        options.addAll(archiveOptions());
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

    /**
     * Where a worker JVM starts from. Installed on JDK 24+: the AOT cache install.sh made beside the agent's
     * jar, with the JDK's serialization and method-handle code loaded and linked (a worker's first task reads
     * and writes Java serialization, which costs a cold JVM tens of milliseconds). Else, on JDK 19+, a class
     * data archive that the session's first worker makes in the user's private folder and the next ones use. A
     * JVM that finds either stale or damaged starts as without it.
     */
    private static List<String> archiveOptions() {
        int feature = Runtime.version().feature();
        String config = System.getProperty(TRAINING_CONFIG);
        if (config != null && feature >= 24 && RECORDING.compareAndSet(false, true)) {
            // One worker records: several writing one file would spoil it. As it exits the JVM says where it wrote
            // the recording, on stdout unless told otherwise: a worker's stdout carries its frames.
            return List.of("-XX:AOTMode=record", "-XX:AOTConfiguration=" + config, "-Xlog:aot=off", "-Xlog:cds=off",
                    "-XX:+DisplayVMOutputToStderr");
        }
        Path cache = agentJar().resolveSibling(CACHE);
        if (feature >= 24 && Files.isRegularFile(cache)) {
            return List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off");
        }
        Path archive = feature >= 19 ? dynamicArchive(feature) : null;
        if (archive == null) {
            return List.of("-Xshare:auto");
        }
        List<String> options = new ArrayList<>(List.of("-Xshare:auto", "-XX:SharedArchiveFile=" + archive,
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off"));
        if (ARCHIVE_WRITER.compareAndSet(false, true)) {
            // One worker a session may write the archive (as it exits, if the file is missing or from another
            // JDK build): JVMs that write one file at once can leave it garbled. The others use it if it is there.
            options.add(1, "-XX:+AutoCreateSharedArchive");
        }
        return options;
    }

    /**
     * The class data archive workers make for themselves, named for this JDK and this agent jar (its path, size
     * and time): a JVM finds an archive made for another jar unusable and, on JDK 25 at least, does not make it
     * again, so after a new install workers would start without one for good. This JDK's archives for other jars
     * are deleted once they are {@value #STALE_DAYS} days old (once per session): not at once, as two installs
     * in use side by side would delete each other's, and a worker that finds its archive missing writes it as it
     * exits, which holds its exit up. In the user's private folder: at a fixed name in the shared temp folder
     * another user could plant an archive of their own, or a broken one. Null if the jar cannot be read.
     */
    private static Path dynamicArchive(int feature) {
        Path jar = agentJar();
        String name;
        try {
            name = "worker-" + feature + "-" + Integer.toHexString(java.util.Objects.hash(
                    jar.toString(), Files.size(jar), Files.getLastModifiedTime(jar).toMillis())) + ".jsa";
        } catch (java.io.IOException unreadable) {
            return null;
        }
        Path folder = PrivateFolder.get();
        if (!SWEPT.compareAndSet(false, true)) {
            return folder.resolve(name);
        }
        try (var old = Files.newDirectoryStream(folder, "worker-" + feature + "*.jsa")) {
            for (Path other : old) {
                if (!other.getFileName().toString().equals(name) && Files.getLastModifiedTime(other).toInstant()
                        .isBefore(java.time.Instant.now().minus(java.time.Duration.ofDays(STALE_DAYS)))) {
                    Files.deleteIfExists(other);
                }
            }
        } catch (java.io.IOException | RuntimeException leftAsItIs) {
            // an old archive left behind takes disk space, nothing else
        }
        return folder.resolve(name);
    }

    /** The agent's jar (its classes folder in a build): a worker's whole class path. */
    static Path agentJar() {
        try {
            return Path.of(WorkerMain.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
