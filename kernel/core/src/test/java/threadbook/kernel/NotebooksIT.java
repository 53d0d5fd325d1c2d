package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The course notebooks as shipped: install/install.sh installs the kernel into a temporary prefix with the JDK it
 * picks itself (the newest it finds: the notebooks use virtual threads, Java 21+), and check_notebooks.py checks
 * the outputs saved in notebooks/: each example of the catalogue (T1 ... W2) prints the articles' lines in their
 * order, no cell failed, counts are in order, and the measured times are within bounds. The measurements are
 * checked in the committed copies (git's HEAD), not in the working tree's: the README's set-up command,
 * `install.sh --with-jupyter --execute`, rewrites the working tree's with a run on this machine, and a busy machine
 * measures a smaller speed-up; a set-up command must not leave the tests failing. The same example checks,
 * measurements included, run on the suite's own run of every notebook, nbval's in CourseToolsIT (and in the page, on
 * the notebooks JupyterLabIT runs there): running them once more here would cost three minutes of the suite. A missing
 * Jupyter fails this test: it never skips it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebooksIT {
    static final String KERNEL = "threadbook-nb";

    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;
    private String python;

    @BeforeAll
    void install() throws Exception {
        python = JupyterEnv.python(repo).toString();
        installed = InstalledKernel.onNewestJdkWithoutArchive(KERNEL);
        Path kernelJson = installed.kernelJson();
        Matcher version = Pattern.compile("\"java_version\"\\s*:\\s*(\\d+)").matcher(Files.readString(kernelJson));
        if (version.find()) {
            assertTrue(Integer.parseInt(version.group(1)) >= 21, "the notebooks need Java 21+ (virtual threads); install.sh"
                    + " picked:\n" + Files.readString(kernelJson) + "\n" + installed.installOutput);
        }
        Result check = Command.run(List.of(python, "-c", "import jupyter_client, nbclient, nbformat"), Map.of(), 60, repo);
        assertEquals(0, check.code(), "Jupyter's Python packages are missing in " + JupyterEnv.folder(repo)
                + " (install/venv.sh installs them):\n" + check.output());
    }

    @AfterAll
    void uninstall() throws IOException {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    void everyNotebookRunsAndEveryExampleShowsWhatItMust() throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        assertTrue(Files.exists(dir.resolve("check_notebooks.py")));
        Result r = Command.run(List.of(python, "check_notebooks.py", "--stored"), installed.env(Map.of("PYTHONUNBUFFERED", "1")), 600, dir);
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains(" 0 failed"), "no check failed:\n" + r.output());
        assertTrue(Pattern.compile("(?m)^[1-9]\\d* passed, 0 failed$").matcher(r.output()).find(),
                "the checks ran and all passed:\n" + r.output());
    }


}
