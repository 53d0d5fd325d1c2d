package threadbook;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.logging.ConsoleHandler;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import threadbook.agent.ThreadbookAgent;
import threadbook.jshell.JShellSession;
import threadbook.jshell.SessionOptions;
import threadbook.kernel.Kernel;
import threadbook.protocol.ConnectionInfo;

/** {@code java -cp lib/* threadbook.Main -f CONNECTION_FILE}: what kernel.json starts. */
public final class Main {
    private Main() {}

    public static void main(String[] args) throws Exception {
        configureLogging();
        threadbook.remote.StartupLog.stage("main() entered");
        Path agent = agentClasspath();
        // JShell's compiler takes this JVM's class path as its own: the notebook's code compiled against the
        // kernel's libraries (ZeroMQ, Gson, Maven's resolver), which the Java process that runs it lacks
        // (a NoClassDefFoundError at run time), and javac and JShell's class index read their 29 jars at
        // every start. The notebook's code sees what its Java process runs with: the agent's class path.
        System.setProperty("java.class.path", agent.toString());
        List<String> agentOptions = new ArrayList<>(startArchive(agent));
        agentOptions.addAll(splitOptions(System.getenv("THREADBOOK_AGENT_OPTS")));
        agentOptions.addAll(threadbook.remote.AgentLimits.agentOptions(System.getenv()));
        List<String> compilerOptions = splitOptions(System.getenv("THREADBOOK_COMPILER_OPTS"));
        Kernel.SessionFactory sessions = (stdin, events, replay, startupJars) -> JShellSession.start(
                new SessionOptions(agent, agentOptions, compilerOptions, stdin, events, replay, startupJars));
        if (args.length == 1 && args[0].equals("--train")) {
            System.setProperty("threadbook.training", "true");
            Training.run(sessions);
            System.exit(0);
        }
        Path connectionFile = connectionFile(args);
        if (connectionFile == null) {
            System.err.println("usage: threadbook -f CONNECTION_FILE\n"
                    + "Jupyter starts the kernel with this argument; see README.md to install the kernel.");
            System.exit(2);
        }
        ConnectionInfo info;
        try {
            info = ConnectionInfo.read(connectionFile);
        } catch (IOException e) {
            System.err.println("threadbook: cannot read the connection file: " + e.getMessage());
            System.exit(2);
            return;
        }
        Kernel kernel;
        try {
            kernel = new Kernel(info, sessions);
        } catch (org.zeromq.ZMQException e) {
            // Jupyter restarts a kernel that exits; one that stays up without its ports would never answer.
            System.err.println("threadbook: cannot listen on the ports of the connection file " + connectionFile
                    + " (" + e.toString().replaceFirst("^[^:]*: ", "") + "): another program took one of them; restart the kernel.");
            System.exit(1);
            return;
        }
        Runtime.getRuntime().addShutdownHook(new Thread(kernel::stop, "threadbook-shutdown"));
        watchParent(kernel);
        kernel.run();
        kernel.close();
        System.exit(0);
    }

    /**
     * Jupyter clients name their process in JPY_PARENT_PID; like ipykernel, the kernel ends when that
     * process is gone (a client that exits without a shutdown request leaves no orphan kernel behind).
     */
    private static void watchParent(Kernel kernel) {
        String pid = System.getenv("JPY_PARENT_PID");
        if (pid == null || !pid.matches("\\d+") || Long.parseLong(pid) <= 1) {
            return;
        }
        long parentPid = Long.parseLong(pid);
        ProcessHandle parent = ProcessHandle.of(parentPid).orElse(null);
        // A parent that exited but was not reaped yet is a zombie, and "alive" to ProcessHandle; being
        // re-parented (as ipykernel checks) tells that it is gone.
        boolean direct = ProcessHandle.current().parent().map(p -> p.pid() == parentPid).orElse(false);
        Thread watcher = new Thread(() -> {
            while (parent != null && parent.isAlive()
                    && (!direct || ProcessHandle.current().parent().map(p -> p.pid() == parentPid).orElse(false))) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
            }
            Logger.getLogger(Main.class.getName()).info("the Jupyter client (pid " + pid + ") is gone; exiting");
            kernel.stop();
        }, "threadbook-parent-watch");
        watcher.setDaemon(true);
        watcher.start();
    }

    private static Path connectionFile(String[] args) {
        for (int i = 0; i < args.length; i++) {
            if ((args[i].equals("-f") || args[i].equals("--connection-file")) && i + 1 < args.length) {
                return Path.of(args[i + 1]);
            }
            if (!args[i].startsWith("-")) {
                return Path.of(args[i]);
            }
        }
        return null;
    }

    /** The agent's class path: its jar (or classes folder) alone, so user code sees nothing of ours. */
    private static Path agentClasspath() throws URISyntaxException {
        String override = System.getProperty("threadbook.agent.classpath");
        if (override != null) {
            return Path.of(override);
        }
        return Path.of(ThreadbookAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
    }

    /**
     * The options that start the agent JVM from the archive install/install.sh made beside the agent's jar
     * (see Training): the JDK's AOT cache from JDK 24 on, a CDS archive before. None if there is none
     * (a kernel run from the build folder). A JVM that finds the archive stale (another JDK build, a
     * changed jar) ignores it and starts as without it, so the archive never stops a start.
     */
    static List<String> startArchive(Path agentJar) {
        Path folder = agentJar.getParent();
        if (folder == null || !java.nio.file.Files.isRegularFile(agentJar)) {
            return List.of();
        }
        if (Runtime.version().feature() >= 24) {
            Path cache = folder.resolve("agent.aot");
            return java.nio.file.Files.isRegularFile(cache)
                    ? List.of("-XX:AOTCache=" + cache, "-Xlog:aot=off", "-Xlog:cds=off") : List.of();
        }
        Path archive = folder.resolve("agent.jsa");
        return java.nio.file.Files.isRegularFile(archive)
                ? List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off") : List.of();
    }

    private static List<String> splitOptions(String value) {
        return value == null || value.isBlank() ? List.of() : new ArrayList<>(Arrays.asList(value.trim().split("\\s+")));
    }

    /** One line per record on stderr, which Jupyter shows in its server log. */
    private static void configureLogging() {
        System.setProperty("java.util.logging.SimpleFormatter.format", "[threadbook %4$s] %5$s%6$s%n");
        Logger root = Logger.getLogger("");
        for (var h : root.getHandlers()) {
            root.removeHandler(h);
        }
        ConsoleHandler handler = new ConsoleHandler();
        handler.setFormatter(new SimpleFormatter());
        String level = System.getenv().getOrDefault("THREADBOOK_LOG", "INFO");
        Level l;
        try {
            l = Level.parse(level.toUpperCase());
        } catch (IllegalArgumentException e) {
            l = Level.INFO;
        }
        handler.setLevel(l);
        root.setLevel(l);
        root.addHandler(handler);
    }
}
