package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import threadbook.client.Command.Result;

/**
 * jupyter_kernel_test's suite, the Jupyter project's conformance tests for kernels, against the installed kernel,
 * with Debian's clients and with the environment's (see JupyterClients). On idle cores ("quiet"): after each
 * execute_reply the suite waits at most 0.1 s for each of the cell's iopub messages up to idle, which a kernel
 * meets (its idle follows the reply within a millisecond) but not on a machine at load 10, where a thread can
 * wait longer than that for a core (seen once in CI, in test_history).
 */
@Tag("quiet")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class KernelTestSuiteIT {
    private JupyterClients clients;

    @BeforeAll
    void install() throws Exception {
        clients = new JupyterClients("threadbook-kts");
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (clients != null) {
            clients.close();
        }
    }

    @ParameterizedTest(name = "with {0}'s clients")
    @ValueSource(strings = {"debian", "venv"})
    void jupyterKernelTestSuitePasses(String which) throws Exception {
        Result r = clients.python(which, "test_jupyter_kernel_test.py", List.of("-m", "test_jupyter_kernel_test", "-v"));
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Ran 12 tests"), "all twelve of jupyter_kernel_test's tests ran:\n" + r.output());
        assertTrue(!r.output().contains("skipped"), "none skipped:\n" + r.output());
        JupyterClients.assertClientVersion(which, r);
    }
}
