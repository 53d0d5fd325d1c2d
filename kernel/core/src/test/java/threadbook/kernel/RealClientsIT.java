package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Real Jupyter clients against the kernel installed by install/install.sh into a temporary prefix:
 * jupyter_kernel_test's suite, nbclient and `jupyter run`. A missing Jupyter fails these tests: it
 * never skips them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientsIT {
    static final String PYTHON = "/usr/bin/python3";
    static final String KERNEL = "threadbook-it";

    private Path repo;
    private Path prefix;

    @BeforeAll
    void install() throws Exception {
        repo = Path.of(System.getProperty("user.dir")).resolve("../..").normalize();
        prefix = Files.createTempDirectory("threadbook-prefix");
        Result r = run(List.of("bash", repo.resolve("install/install.sh").toString(), "--no-build",
                "--prefix", prefix.toString(), "--name", KERNEL, "--java", System.getProperty("java.home")), Map.of(), 120);
        assertEquals(0, r.code(), r.output());
        assertTrue(Files.exists(prefix.resolve("share/jupyter/kernels/" + KERNEL + "/kernel.json")), r.output());
        Result check = run(List.of(PYTHON, "-c", "import jupyter_client, nbclient, jupyter_kernel_test"), Map.of(), 60);
        assertEquals(0, check.code(), "Jupyter's Python packages are missing (Debian: apt-get install jupyter-client"
                + " python3-nbclient python3-jupyter-kernel-test):\n" + check.output());
    }

    @Test
    void jupyterKernelTestSuitePasses() throws Exception {
        Result r = python("test_jupyter_kernel_test.py", List.of("-m", "unittest", "-v", "test_jupyter_kernel_test"));
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Ran 12 tests"), "all twelve of jupyter_kernel_test's tests ran:\n" + r.output());
        assertTrue(!r.output().contains("skipped"), "none skipped:\n" + r.output());
    }

    @Test
    void nbclientExecutesANotebookAndJupyterRunDrivesACell() throws Exception {
        Result r = python("run_notebook_checks.py", List.of("run_notebook_checks.py"));
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("nbclient: notebook executed"), r.output());
        assertTrue(r.output().contains("jupyter run: one cell driven"), r.output());
        assertTrue(r.output().contains("nbconvert --to html --execute: output in the HTML"), r.output());
    }

    private Result python(String file, List<String> args) throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        assertTrue(Files.exists(dir.resolve(file)));
        List<String> command = new java.util.ArrayList<>();
        command.add(PYTHON);
        command.addAll(args);
        return Command.run(command, Map.of("JUPYTER_PATH", prefix.resolve("share/jupyter").toString(),
                "THREADBOOK_KERNEL", KERNEL, "PYTHONPATH", dir.toString()), 600, dir);
    }


    private Result run(List<String> command, Map<String, String> env, int timeoutSeconds) throws Exception {
        return Command.run(command, env, timeoutSeconds, repo);
    }

}
