package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;

/**
 * Real Jupyter clients against the kernel installed by install/install.sh into a temporary prefix: nbclient,
 * nbconvert and `jupyter run`, each with Debian's clients and with the environment's (see JupyterClients), and
 * Debian's `jupyter console`. jupyter_kernel_test's suite runs on idle cores, in KernelTestSuiteIT.
 */
@Tag("long")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class RealClientsIT {
    static final String KERNEL = "threadbook-it";

    private final java.nio.file.Path repo = InstalledKernel.REPO;
    private JupyterClients clients;

    @BeforeAll
    void install() throws Exception {
        clients = new JupyterClients(KERNEL);
    }

    @AfterAll
    void cleanUp() throws Exception {
        if (clients != null) {
            clients.close();
        }
    }

    @ParameterizedTest(name = "with {0}'s clients")
    @ValueSource(strings = {"debian", "venv"})
    void nbclientExecutesANotebookAndJupyterRunDrivesACell(String which) throws Exception {
        Result r = clients.python(which, "run_notebook_checks.py", List.of("run_notebook_checks.py"));
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("nbclient: notebook executed"), r.output());
        assertTrue(r.output().contains("jupyter run: one cell driven"), r.output());
        assertTrue(r.output().contains("nbconvert --to html --execute: output in the HTML"), r.output());
        JupyterClients.assertClientVersion(which, r);
    }

    /**
     * `jupyter console` (Debian's 6.4, on jupyter_client 7; pip here has none), with cells typed at its prompt: a
     * variable, a value shown as Out[2], a printed line, then the end of input ends the console and the kernel.
     */
    @Test
    void jupyterConsoleRunsTheCellsTypedAtItsPrompt() throws Exception {
        Result r = Command.run(List.of("bash", "-c", "printf '%s\\n' 'int x = 20;' 'x + 22' "
                + "'System.out.println(\"hello from the console\");' | /usr/bin/jupyter-console --simple-prompt --kernel " + KERNEL),
                clients.installed.env(Map.of()), 180, repo);
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("Out[2]: 42"), "the value under its count:\n" + r.output());
        assertTrue(r.output().contains("hello from the console"), r.output());
        assertTrue(r.output().contains("Shutting down kernel"), "the console ended its kernel:\n" + r.output());
    }
}
