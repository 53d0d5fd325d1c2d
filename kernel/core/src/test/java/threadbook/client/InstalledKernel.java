package threadbook.client;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import threadbook.client.Command.Result;

/**
 * The kernelspec as a user gets it: install/install.sh (--no-build: the jars this build made) writes it into a
 * temporary prefix under a test's own kernel name, and a real Jupyter client finds it through {@link #env}.
 * {@link #close} removes the prefix. Tests that drive a Jupyter client or a browser start with this.
 */
public final class InstalledKernel implements AutoCloseable {
    /** The repository's root (Maven runs the tests in kernel/core). */
    public static final Path REPO = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();

    public final String name;
    public final Path prefix;
    /** What install.sh printed, for failure messages. */
    public final String installOutput;

    private InstalledKernel(String name, Path prefix, String installOutput) {
        this.name = name;
        this.prefix = prefix;
        this.installOutput = installOutput;
    }

    /**
     * Installed to run on the JDK that runs the tests, without the start-up archive (its 10-20 s training run
     * changes how fast the kernel starts, not what it does; InstallIT and JupyterLabIT install with it).
     */
    public static InstalledKernel onTestJdk(String name) throws Exception {
        return install(name, List.of("--java", System.getProperty("java.home"), "--no-archive"));
    }

    /**
     * Installed on the JDK install.sh picks itself, the newest it finds (the notebooks use virtual threads,
     * Java 21+). JAVA_HOME is unset for it because Maven may run on an older JDK and install.sh would prefer it.
     */
    public static InstalledKernel onNewestJdk(String name) throws Exception {
        return install(name, List.of());
    }

    /** As {@link #onNewestJdk}, without the start-up archive: for tests that check a notebook's files only. */
    public static InstalledKernel onNewestJdkWithoutArchive(String name) throws Exception {
        return install(name, List.of("--no-archive"));
    }

    private static InstalledKernel install(String name, List<String> javaOptions) throws Exception {
        Path prefix = Files.createTempDirectory("threadbook-" + name + "-prefix");
        List<String> command = new ArrayList<>(List.of("env", "-u", "JAVA_HOME", "bash", REPO.resolve("install/install.sh").toString(),
                "--no-build", "--prefix", prefix.toString(), "--name", name));
        command.addAll(javaOptions);
        Result r;
        try {
            r = Command.run(command, Map.of(), 300, REPO); // the start-up archive's training run is part of it
        } catch (Exception e) {
            delete(prefix);
            throw e;
        }
        InstalledKernel kernel = new InstalledKernel(name, prefix, r.output());
        try {
            assertEquals(0, r.code(), r.output());
            assertTrue(Files.exists(kernel.kernelJson()), r.output());
        } catch (AssertionError e) {
            kernel.close();
            throw e;
        }
        return kernel;
    }

    /** The kernelspec's kernel.json (its argv names the java it runs on). */
    public Path kernelJson() {
        return prefix.resolve("share/jupyter/kernels/" + name + "/kernel.json");
    }

    /**
     * The environment for a Jupyter client run against this kernel: JUPYTER_PATH finds the kernelspec,
     * THREADBOOK_KERNEL names it for the test scripts in src/test/python; {@code more} is added.
     */
    public Map<String, String> env(Map<String, String> more) {
        Map<String, String> env = new HashMap<>(more);
        env.put("JUPYTER_PATH", prefix.resolve("share/jupyter").toString());
        env.put("THREADBOOK_KERNEL", name);
        return env;
    }

    @Override
    public void close() throws IOException {
        delete(prefix);
    }

    /** Removes a folder the tests made (a symbolic link in it is removed, not followed). */
    public static void delete(Path dir) throws IOException {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
