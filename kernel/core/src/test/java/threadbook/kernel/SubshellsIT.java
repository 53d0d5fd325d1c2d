package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import threadbook.client.Command;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;

/**
 * Kernel subshells (JEP 91) as a user reaches them: jupyter_client 8 against the installed kernel, over
 * ZeroMQ, with ipykernel 7's own subshell tests ported to Java cells (src/test/python/subshells_check.py):
 * create, list, delete, unknown ids, execution counts, order of replies, three cells that finish only if
 * they run at once, a subshell reading the state of the notebook's running cell, and the interrupt of one
 * subshell that leaves the others running. One kernel for all checks: about 15 s on 2 cores.
 */
class SubshellsIT {
    private static final int CHECKS = 9;

    @Test
    void ipykernelsSubshellTestsPassAgainstTheJavaKernel() throws Exception {
        Path repo = InstalledKernel.REPO;
        try (InstalledKernel installed = InstalledKernel.onTestJdk("threadbook-subshells")) {
            Path dir = repo.resolve("kernel/core/src/test/python");
            Command.Result r = Command.run(List.of(JupyterEnv.python(repo).toString(), "subshells_check.py"),
                    installed.env(Map.of()), 300, dir);
            System.out.println(r.output());
            assertEquals(0, r.code(), r.output());
            assertTrue(r.output().contains("Ran " + CHECKS + " tests"), r.output());
            assertTrue(r.output().lines().anyMatch(l -> l.equals("OK")), r.output());
        }
    }
}
