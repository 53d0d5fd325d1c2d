package threadbook.jshell;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import jdk.jshell.JShell;
import jdk.jshell.SnippetEvent;
import threadbook.assist.StartupImports;
import threadbook.host.PrivateFolder;

/** What a session is started with: the agent JVM's and the compiler's options, the startup imports, the warm-up's wait. */
final class SessionLaunch {
    private SessionLaunch() {
    }

    /** The agent JVM's options: its class path and event socket, where its files go, then the user's. */
    static List<String> agentVmOptions(SessionOptions options, Path eventSocket) {
        List<String> vm = new ArrayList<>();
        vm.add("-cp");
        vm.add(options.agentClasspath().toString());
        vm.add("-Dthreadbook.events.socket=" + eventSocket);
        // Files the JVMs write for themselves go to the user's private folder: a crash log would otherwise
        // land in the working folder, next to the notebooks.
        Path cache = PrivateFolder.get();
        vm.add("-D" + PrivateFolder.PROPERTY + "=" + cache);
        vm.add("-XX:ErrorFile=" + cache.resolve("hs_err_pid%p.log"));
        vm.add("-XX:ReplayDataFile=" + cache.resolve("replay_pid%p.log"));
        vm.add("-Dfile.encoding=UTF-8");
        vm.add("-Dstdout.encoding=UTF-8");
        vm.add("-Dstderr.encoding=UTF-8");
        vm.addAll(options.agentVmOptions());
        vm.addAll(startupJarOptions(options.startupJars()));
        return vm;
    }

    /**
     * The agent JVM's options for jars that must be there from its start (see threadbook.agent.StartupJarsLoader):
     * Lincheck's instrumentation attaches itself as an agent to its own JVM, which Java 21+ allows quietly only
     * with -XX:+EnableDynamicAgentLoading; its own warnings are for its developers, not for a notebook.
     */
    private static List<String> startupJarOptions(List<Path> jars) {
        if (jars.isEmpty()) {
            return List.of();
        }
        List<String> options = new ArrayList<>();
        options.add("-Djava.system.class.loader=" + threadbook.agent.StartupJarsLoader.class.getName());
        options.add("-D" + threadbook.agent.StartupJarsLoader.PROPERTY + "="
                + String.join(java.io.File.pathSeparator, jars.stream().map(Path::toString).toList()));
        options.add("-Djdk.attach.allowAttachSelf=true");
        options.add("-Dlincheck.logLevel=ERROR");
        if (Runtime.version().feature() >= 21) {
            options.add("-XX:+EnableDynamicAgentLoading");
        }
        return options;
    }

    /** The user's javac options, and -g: the debugger shows local variables by their names. */
    static String[] compilerOptions(List<String> user) {
        List<String> all = new ArrayList<>(user);
        if (all.stream().noneMatch(o -> o.startsWith("-g"))) {
            all.add("-g");
        }
        return all.toArray(new String[0]);
    }

    /**
     * The startup imports in one snippet, compiled once: JShell compiles each snippet on its own (16
     * snippets took 200-400 ms). It keeps an import snippet's source as it is and puts it in front of every
     * later snippet, so all of them apply; the snippet is known by its first import only, one that a
     * notebook has no reason to write (a cell that imports another of them, say java.util.*, changes
     * nothing). Should the compiler refuse the whole (options a user gave), they are imported one by one.
     */
    static void importStartupPackages(JShell jshell) {
        List<String> all = StartupImports.statements();
        StringBuilder source = new StringBuilder();
        all.forEach(i -> source.append("import ").append(i).append("; "));
        List<SnippetEvent> events = jshell.eval(source.toString().trim());
        if (events.size() == 1 && events.get(0).status() == jdk.jshell.Snippet.Status.VALID) {
            return;
        }
        events.stream().filter(e -> jshell.status(e.snippet()).isActive()).forEach(e -> jshell.drop(e.snippet()));
        for (String imported : all) {
            jshell.eval("import " + imported + ";");
        }
    }

    /**
     * Waits (5 s at most) for JShell's class index, which JShell builds on a thread of its own (about half
     * a second of CPU): built during a cell, it would count in that cell's time.
     */
    static void awaitClassIndex() {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
        while (System.nanoTime() < deadline && classIndexBuilding()) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** Whether JShell's indexer thread is listing classes (it has no API to wait for it). */
    private static boolean classIndexBuilding() {
        for (StackTraceElement[] stack : Thread.getAllStackTraces().values()) {
            for (StackTraceElement frame : stack) {
                if (frame.getMethodName().equals("refreshIndexes")
                        && frame.getClassName().equals("jdk.jshell.SourceCodeAnalysisImpl")) {
                    return true;
                }
            }
        }
        return false;
    }
}
