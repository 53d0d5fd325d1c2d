package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.JupyterEnv;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * install/install.sh and uninstall.sh as users (and the course image's Dockerfile) run them: every
 * destination, the kernel.json it writes, the JDK it picks, and Jupyter's view of the result.
 */
@Tag("long")
class InstallIT {
    private final Path repo = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
    private final String java = System.getProperty("java.home");

    @Test
    void prefixInstallWritesAKernelspecThatJupyterLists() throws Exception {
        Path prefix = Files.createTempDirectory("tb-prefix");
        Result r = run(List.of("bash", "install/install.sh", "--no-build", "--no-archive", "--prefix", prefix.toString(), "--name", "tb-prefix",
                "--java", java), Map.of());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Java: ") && r.output().contains("given with --java"), "says which JDK and why: " + r.output());
        Path dir = prefix.resolve("share/jupyter/kernels/tb-prefix");
        JsonObject spec = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject();
        assertEquals("java", spec.get("language").getAsString());
        assertEquals("message", spec.get("interrupt_mode").getAsString());
        assertTrue(spec.getAsJsonObject("metadata").get("debugger").getAsBoolean(), "JupyterLab enables its debugger only with metadata.debugger");
        assertTrue(spec.get("display_name").getAsString().startsWith("Java (Threadbook"));
        JsonArray argv = spec.getAsJsonArray("argv");
        assertTrue(Path.of(argv.get(0).getAsString()).isAbsolute() && Files.isExecutable(Path.of(argv.get(0).getAsString())));
        assertTrue(argv.toString().contains("{connection_file}"));
        assertTrue(Files.size(dir.resolve("logo-32x32.png")) > 0 && Files.size(dir.resolve("logo-64x64.png")) > 0);
        Result list = run(List.of("/usr/bin/python3", "-m", "jupyter", "kernelspec", "list"),
                Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString()));
        assertTrue(list.output().contains("tb-prefix"), list.output());
        Result removed = run(List.of("bash", "install/uninstall.sh", "--prefix", prefix.toString(), "--name", "tb-prefix"), Map.of());
        assertEquals(0, removed.code(), removed.output());
        assertFalse(Files.exists(dir));
    }

    @Test
    void userInstallGoesUnderTheDataDirAndPicksTheNewestJdkWithoutHints() throws Exception {
        Path home = Files.createTempDirectory("tb-home");
        Map<String, String> env = Map.of("HOME", home.toString(), "JAVA_HOME", "", "JUPYTER_DATA_DIR", "", "XDG_DATA_HOME", "");
        Result r = run(List.of("bash", "-c", "unset JAVA_HOME JUPYTER_DATA_DIR XDG_DATA_HOME; bash install/install.sh --no-build --no-archive --name tb-user"),
                env);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("the newest JDK found"), r.output());
        assertTrue(Files.exists(home.resolve(".local/share/jupyter/kernels/tb-user/kernel.json")), r.output());
    }

    @Test
    void sysPrefixInstallGoesIntoThePythonThatRunsJupyter() throws Exception {
        // A virtual environment that sees Debian's Jupyter stands for the conda environment of the image.
        Path venv = Files.createTempDirectory("tb-venv");
        assertEquals(0, run(List.of("/usr/bin/python3", "-m", "venv", "--system-site-packages", venv.toString()), Map.of()).code());
        Result r = run(List.of("bash", "-c", "PATH=" + venv.resolve("bin") + ":$PATH bash install/install.sh --no-build --no-archive --sys-prefix"
                + " --name tb-sys --java " + java), Map.of());
        assertEquals(0, r.code(), r.output());
        assertTrue(Files.exists(venv.resolve("share/jupyter/kernels/tb-sys/kernel.json")), r.output());
    }

    /**
     * The README's first command: --with-jupyter installs into the project's environment (here the one the tests
     * run with, already up to date, so pip is not run again), the kernelspec goes where that JupyterLab finds it, and
     * the last line is the command that opens the notebooks in JupyterLab.
     */
    @Test
    void withJupyterInstallsWhereTheEnvironmentsJupyterLabFindsItAndSaysHowToOpenIt() throws Exception {
        Path venv = JupyterEnv.python(repo).getParent().getParent();
        Path home = Files.createTempDirectory("tb-lab-home");
        Result r = run(List.of("bash", "-c", "unset JUPYTER_DATA_DIR XDG_DATA_HOME JUPYTER_PATH JAVA_HOME; bash install/install.sh"
                + " --no-build --no-archive --with-jupyter --venv '" + venv + "' --name tb-lab --java '" + java + "'"), Map.of("HOME", home.toString()));
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("is up to date"), "the environment was checked, not installed again: " + r.output());
        assertTrue(r.output().contains("The Jupyter of " + venv.resolve("bin/python") + " finds it"), r.output());
        List<String> lines = r.output().lines().filter(l -> !l.isBlank()).toList();
        String open = venv.resolve("bin/jupyter") + " lab " + repo.resolve("notebooks");
        assertEquals(open, lines.get(lines.size() - 1).strip(), "the last line opens JupyterLab on notebooks/:\n" + r.output());
        Result list = run(List.of(venv.resolve("bin/jupyter").toString(), "kernelspec", "list"), Map.of("HOME", home.toString()));
        assertTrue(list.output().contains("tb-lab") && list.output().contains(home.toString()), list.output());
        Result lab = run(List.of(venv.resolve("bin/python").toString(), "-c",
                "import jupyterlab, notebook; print(jupyterlab.__version__, notebook.__version__)"), Map.of());
        assertTrue(lab.output().matches("(?s)4\\..* 7\\..*"), "JupyterLab 4 and Notebook 7: " + lab.output());
    }

    /**
     * install.sh trains a start-up archive (threadbook.Main --train): kernel.json starts the kernel from it, and
     * the kernel starts its Java process from the agent's; on JDK 24+ worker JVMs start from one of their own.
     * All are really used: with JDK_JAVA_OPTIONS telling every JVM to refuse to start without its archive, a
     * cell and a worker's task still run. A broken archive (a JDK updated in place, a damaged file) stops
     * nothing: the JVMs start without it. Once on the tests' JDK, once on JDK 25, where it is the AOT cache.
     */
    @ParameterizedTest(name = "on {0}")
    @ValueSource(strings = {"the tests' JDK", "/usr/lib/jvm/temurin-25-jdk-amd64"})
    void theKernelAndItsJavaProcessStartFromTheArchiveMadeAtInstallAndABrokenOneStopsNothing(String jdk) throws Exception {
        String home = jdk.startsWith("/") ? jdk : java;
        Path prefix = Files.createTempDirectory("tb-archive");
        Result r = run(List.of("bash", "install/install.sh", "--no-build", "--prefix", prefix.toString(), "--name", "tb-archive",
                "--java", home), Map.of());
        assertEquals(0, r.code(), r.output());
        assertFalse(r.output().contains("could not be made"), r.output());
        Path dir = prefix.resolve("share/jupyter/kernels/tb-archive");
        JsonArray argv = JsonParser.parseString(Files.readString(dir.resolve("kernel.json"))).getAsJsonObject().getAsJsonArray("argv");
        boolean aot = argv.toString().contains("-XX:AOTCache=");
        assertTrue(aot || argv.toString().contains("-XX:SharedArchiveFile="), "kernel.json starts from the archive: " + argv);
        List<Path> archives = aot
                ? List.of(dir.resolve("lib/kernel.aot"), dir.resolve("lib/agent.aot"), dir.resolve("lib/worker.aot"))
                : List.of(dir.resolve("lib/kernel.jsa"), dir.resolve("lib/agent.jsa"));
        for (Path archive : archives) {
            assertTrue(Files.size(archive) > 1_000_000, archive + " was made");
        }
        try (var files = Files.list(dir.resolve("lib"))) {
            assertTrue(files.noneMatch(f -> f.toString().matches(".*\\.(aotconf|classlist|log)$")), "nothing of the training is left");
        }
        Map<String, String> env = Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString());
        Result required = runCell(env, aot ? "-XX:AOTMode=on" : "-Xshare:on");
        assertTrue(required.output().contains("from the archive: 42") && required.output().contains("from a worker: [42]"),
                "kernel, agent and worker JVMs start with their archive required:\n" + required.output());

        for (Path archive : archives) {
            // What a JDK updated in place would find: an archive it cannot map. A new file moved over the old one,
            // as installers replace files: the kernel `jupyter run` started may still be exiting, with the old one
            // mapped (a file cut short under a JVM that maps it crashes that JVM).
            Path broken = Files.write(archive.resolveSibling("broken.tmp"), new byte[4096]);
            Files.move(broken, archive, StandardCopyOption.REPLACE_EXISTING);
        }
        Result broken = runCell(env, null);
        assertTrue(broken.output().contains("from the archive: 42") && broken.output().contains("from a worker: [42]"),
                "a broken archive stops nothing:\n" + broken.output());
        run(List.of("bash", "install/uninstall.sh", "--prefix", prefix.toString(), "--name", "tb-archive"), Map.of());
    }

    /** Runs one cell with `jupyter run` on the kernelspec tb-archive; {@code jvmOption} goes to every JVM started. */
    private Result runCell(Map<String, String> env, String jvmOption) throws Exception {
        Path script = Files.createTempFile("tb-archive", ".jshell");
        Files.writeString(script, "System.out.println(\"from the archive: \" + (40 + 2));\n"
                + "try (WorkerPool pool = new WorkerPool(1)) { System.out.println(\"from a worker: \" + pool.map(n -> n + 1, List.of(41))); }\n");
        Map<String, String> all = new java.util.HashMap<>(env);
        if (jvmOption != null) {
            all.put("JDK_JAVA_OPTIONS", jvmOption);
        }
        // jupyter run's RunApp waits 10 s for the first output: the Java session alone may take longer on a loaded machine.
        String runapp = "import sys, jupyter_client.runapp as r; r.OUTPUT_TIMEOUT = 300; sys.argv[0] = 'jupyter-run'; r.main()";
        try {
            return run(List.of("/usr/bin/python3", "-c", runapp, "--kernel=tb-archive", script.toString()), all);
        } finally {
            Files.deleteIfExists(script);
        }
    }

    @Test
    void badOptionsAndAJreAreRefusedWithAClearMessage() throws Exception {
        Result unknown = run(List.of("bash", "install/install.sh", "--frobnicate"), Map.of());
        assertTrue(unknown.code() != 0 && unknown.output().contains("unknown option '--frobnicate'"), unknown.output());
        Result badName = run(List.of("bash", "install/install.sh", "--no-build", "--name", "a b"), Map.of());
        assertTrue(badName.code() != 0 && badName.output().contains("may hold only"), badName.output());
        Path fakeJre = Files.createTempDirectory("tb-jre");
        Files.createDirectories(fakeJre.resolve("bin"));
        // A java without JShell beside it, as in a JRE.
        Path fakeJava = fakeJre.resolve("bin/java");
        Files.writeString(fakeJava, "#!/bin/sh\nexec " + Path.of(java, "bin", "java") + " \"$@\"\n");
        fakeJava.toFile().setExecutable(true);
        Result jre = run(List.of("bash", "install/install.sh", "--no-build", "--java", fakeJre.toString()), Map.of());
        assertTrue(jre.code() != 0 && jre.output().contains("JShell"), jre.output());
    }

    private Result run(List<String> command, Map<String, String> env) throws Exception {
        return Command.run(command, env, 300, repo);
    }
}
