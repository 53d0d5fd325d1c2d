package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
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
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Real Jupyter clients against the kernel installed by install/install.sh into a temporary prefix:
 * jupyter_kernel_test's suite, nbclient, nbconvert and `jupyter run`, each twice: with Debian's clients
 * (jupyter_client 7.4, nbclient 0.7 under /usr/bin/python3) and with the project's environment that
 * install/venv.sh makes (jupyter_client 8, nbclient 0.10+). pip serves no jupyter_kernel_test here, so the
 * environment's run imports Debian's (pure Python, it runs on jupyter_client 8) from a folder of its own that
 * holds only that package. And Debian's `jupyter console`. A missing client fails these tests: it never skips them.
 */
@Tag("long")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientsIT {
    static final String DEBIAN_PYTHON = "/usr/bin/python3";
    static final String KERNEL = "threadbook-it";
    static final Pattern CLIENT_VERSION = Pattern.compile("jupyter_client (\\d+)\\.");

    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;
    private Path kernelTestOnly;

    @BeforeAll
    void install() throws Exception {
        installed = InstalledKernel.onTestJdk(KERNEL);
        Result check = run(List.of(DEBIAN_PYTHON, "-c", "import jupyter_client, nbclient, jupyter_kernel_test"), Map.of(), 60);
        assertEquals(0, check.code(), "Debian's Jupyter packages are missing (Debian: apt-get install jupyter-client"
                + " python3-nbclient python3-jupyter-kernel-test; install/test.sh does that):\n" + check.output());
        Result where = run(List.of(DEBIAN_PYTHON, "-c",
                "import jupyter_kernel_test, os; print(os.path.dirname(jupyter_kernel_test.__file__))"), Map.of(), 60);
        assertEquals(0, where.code(), where.output());
        kernelTestOnly = Files.createTempDirectory("threadbook-kernel-test");
        Files.createSymbolicLink(kernelTestOnly.resolve("jupyter_kernel_test"), Path.of(where.output().strip()));
    }

    @AfterAll
    void cleanUp() throws IOException {
        if (installed != null) {
            installed.close();
        }
        InstalledKernel.delete(kernelTestOnly);
    }

    @ParameterizedTest(name = "with {0}'s clients")
    @ValueSource(strings = {"debian", "venv"})
    void jupyterKernelTestSuitePasses(String clients) throws Exception {
        Result r = python(clients, "test_jupyter_kernel_test.py", List.of("-m", "test_jupyter_kernel_test", "-v"));
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Ran 12 tests"), "all twelve of jupyter_kernel_test's tests ran:\n" + r.output());
        assertTrue(!r.output().contains("skipped"), "none skipped:\n" + r.output());
        assertClientVersion(clients, r);
    }

    @ParameterizedTest(name = "with {0}'s clients")
    @ValueSource(strings = {"debian", "venv"})
    void nbclientExecutesANotebookAndJupyterRunDrivesACell(String clients) throws Exception {
        Result r = python(clients, "run_notebook_checks.py", List.of("run_notebook_checks.py"));
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("nbclient: notebook executed"), r.output());
        assertTrue(r.output().contains("jupyter run: one cell driven"), r.output());
        assertTrue(r.output().contains("nbconvert --to html --execute: output in the HTML"), r.output());
        assertClientVersion(clients, r);
    }

    /**
     * `jupyter console` (Debian's 6.4, on jupyter_client 7; pip here has none), with cells typed at its prompt: a
     * variable, a value shown as Out[2], a printed line, then the end of input ends the console and the kernel.
     */
    @Test
    void jupyterConsoleRunsTheCellsTypedAtItsPrompt() throws Exception {
        Result r = Command.run(List.of("bash", "-c", "printf '%s\\n' 'int x = 20;' 'x + 22' "
                + "'System.out.println(\"hello from the console\");' | /usr/bin/jupyter-console --simple-prompt --kernel " + KERNEL),
                installed.env(Map.of()), 180, repo);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Out[2]: 42"), "the value under its count:\n" + r.output());
        assertTrue(r.output().contains("hello from the console"), r.output());
        assertTrue(r.output().contains("Shutting down kernel"), "the console ended its kernel:\n" + r.output());
    }

    /** Debian 12 ships jupyter_client 7; the environment must really have run on 8. */
    private void assertClientVersion(String clients, Result r) {
        Matcher m = CLIENT_VERSION.matcher(r.output());
        assertTrue(m.find(), "the script printed the client's version:\n" + r.output());
        int major = Integer.parseInt(m.group(1));
        if (clients.equals("venv")) {
            assertEquals(8, major, "the environment's run used jupyter_client 8:\n" + r.output());
        } else {
            assertTrue(major >= 7, "Debian's jupyter_client:\n" + r.output());
        }
    }

    private Result python(String clients, String file, List<String> args) throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        assertTrue(Files.exists(dir.resolve(file)));
        String python = clients.equals("venv") ? JupyterEnv.python(repo).toString() : DEBIAN_PYTHON;
        String path = clients.equals("venv") ? dir + ":" + kernelTestOnly : dir.toString();
        List<String> command = new ArrayList<>();
        command.add(python);
        command.addAll(args);
        return Command.run(command, installed.env(Map.of("PYTHONPATH", path)), 600, dir);
    }

    private Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        return Command.run(command, env, timeoutSeconds, repo);
    }
}
