package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import threadbook.client.Command;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;

/**
 * Kernel subshells (JEP 91) as a user reaches them, against the installed kernel. With jupyter_client 8 over
 * ZeroMQ, ipykernel 7's tests/test_subshells.py ported to Java cells (src/test/python/subshells_check.py):
 * create, list, delete, unknown ids, a thread of its own, execution counts, order of replies, cells that finish
 * only if they run at once, busy/idle parent headers, create while a cell runs, stop_on_error per shell,
 * shutdown; and for Java: a subshell reading the state of the notebook's running cell, replacements refused,
 * the interrupt of one subshell, a subshell deleted while its cell runs, pool output routed back (15 checks on
 * one kernel, about 20 s at load 10 on 2 cores). In JupyterLab 4.6 in headless Chromium
 * (jupyterlab_subshell.py): "New Subshell Console for Notebook" reads a counter while the notebook's cell runs
 * and ends that cell (about 27 s, most of it the server's and Chromium's start).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SubshellsIT {
    private static final int CHECKS = 15;
    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;

    @BeforeAll
    void install() throws Exception {
        installed = InstalledKernel.onTestJdk("threadbook-subshells");
    }

    @AfterAll
    void remove() throws Exception {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    void ipykernelsSubshellTestsPassAgainstTheJavaKernel() throws Exception {
        Command.Result r = python("subshells_check.py");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Ran " + CHECKS + " tests"), r.output());
        assertTrue(r.output().lines().anyMatch(l -> l.equals("OK")), r.output());
    }

    // The console is opened while the notebook's cell runs: it is made only once its kernel_info's idle reached it,
    // which a subscriber that joins after that idle was published gets only because the kernel publishes it again
    // for a new subscription (see Subscriptions). Without that, about 1 run in 5 never made its subshell.
    @Test
    void aSubshellConsoleInJupyterLabReadsTheRunningCellsCounter() throws Exception {
        Command.Result r = python("jupyterlab_subshell.py");
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("6 passed, 0 failed"), r.output());
    }

    private Command.Result python(String script) throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        Command.Result r = Command.run(List.of(JupyterEnv.python(repo).toString(), script),
                installed.env(Map.of()), 300, dir);
        System.out.println(r.output());
        return r;
    }
}
