package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.JupyterEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The course notebooks as shipped: install/install.sh installs the kernel into a temporary prefix with the JDK it
 * picks itself (the newest it finds: the notebooks use virtual threads, Java 21+), and check_notebooks.py checks
 * the outputs saved in notebooks/ (written by the README's set-up command, `install.sh --with-jupyter --execute`,
 * with nbclient and the current kernel): each example of the catalogue (T1 ... W2) prints the articles' lines in
 * their order and measured times within bounds, no cell failed, counts are in order. The same example checks run
 * on a live Run All of every notebook in JupyterLabIT; running them a third time here would cost three minutes of
 * the suite. A missing Jupyter fails this test: it never skips it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebooksIT {
    static final String KERNEL = "threadbook-nb";

    private Path repo;
    private Path prefix;
    private String python;

    @BeforeAll
    void install() throws Exception {
        repo = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
        python = JupyterEnv.python(repo).toString();
        prefix = Files.createTempDirectory("threadbook-notebooks");
        // No --java, and no JAVA_HOME (Maven may run on an older JDK): install.sh picks the newest JDK it finds.
        Result r = Command.run(List.of("env", "-u", "JAVA_HOME", "bash", repo.resolve("install/install.sh").toString(), "--no-build",
                "--prefix", prefix.toString(), "--name", KERNEL), Map.of(), 300, repo);
        assertEquals(0, r.code(), r.output());
        Path kernelJson = prefix.resolve("share/jupyter/kernels/" + KERNEL + "/kernel.json");
        assertTrue(Files.exists(kernelJson), r.output());
        Matcher version = Pattern.compile("\"java_version\"\\s*:\\s*(\\d+)").matcher(Files.readString(kernelJson));
        if (version.find()) {
            assertTrue(Integer.parseInt(version.group(1)) >= 21, "the notebooks need Java 21+ (virtual threads); install.sh"
                    + " picked:\n" + Files.readString(kernelJson) + "\n" + r.output());
        }
        Result check = Command.run(List.of(python, "-c", "import jupyter_client, nbclient, nbformat"), Map.of(), 60, repo);
        assertEquals(0, check.code(), "Jupyter's Python packages are missing in " + JupyterEnv.folder(repo)
                + " (install/venv.sh installs them):\n" + check.output());
    }

    @AfterAll
    void uninstall() throws IOException {
        if (prefix != null && Files.exists(prefix)) {
            try (Stream<Path> paths = Files.walk(prefix)) {
                for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    @Test
    void everyNotebookRunsAndEveryExampleShowsWhatItMust() throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        assertTrue(Files.exists(dir.resolve("check_notebooks.py")));
        Result r = Command.run(List.of(python, "check_notebooks.py", "--stored"), Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString(),
                "THREADBOOK_KERNEL", KERNEL, "PYTHONUNBUFFERED", "1"), 600, dir);
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains(" 0 failed"), "no check failed:\n" + r.output());
        assertTrue(Pattern.compile("(?m)^[1-9]\\d* passed, 0 failed$").matcher(r.output()).find(),
                "the checks ran and all passed:\n" + r.output());
    }


}
