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

/**
 * The kernel installed by install/install.sh into a temporary prefix, and the two sets of Python clients the tests
 * drive it with: Debian's (jupyter_client 7.4, nbclient 0.7 under /usr/bin/python3) and the project's environment
 * that install/venv.sh makes (jupyter_client 8, nbclient 0.10+). pip serves no jupyter_kernel_test here, so the
 * environment's runs import Debian's (pure Python, it runs on jupyter_client 8) from a folder of its own that holds
 * only that package. A missing client fails the tests: they never skip.
 */
final class JupyterClients implements AutoCloseable {
    static final String DEBIAN_PYTHON = "/usr/bin/python3";
    private static final Pattern CLIENT_VERSION = Pattern.compile("jupyter_client (\\d+)\\.");

    private final Path repo = InstalledKernel.REPO;
    final InstalledKernel installed;
    private final Path kernelTestOnly;

    JupyterClients(String kernelName) throws Exception {
        installed = InstalledKernel.onTestJdk(kernelName);
        Result check = run(List.of(DEBIAN_PYTHON, "-c", "import jupyter_client, nbclient, jupyter_kernel_test"));
        assertEquals(0, check.code(), "Debian's Jupyter packages are missing (Debian: apt-get install jupyter-client"
                + " python3-nbclient python3-jupyter-kernel-test; install/test.sh does that):\n" + check.output());
        Result where = run(List.of(DEBIAN_PYTHON, "-c",
                "import jupyter_kernel_test, os; print(os.path.dirname(jupyter_kernel_test.__file__))"));
        assertEquals(0, where.code(), where.output());
        kernelTestOnly = Files.createTempDirectory("threadbook-kernel-test");
        Files.createSymbolicLink(kernelTestOnly.resolve("jupyter_kernel_test"), Path.of(where.output().strip()));
    }

    /** Runs a script of kernel/core/src/test/python with the "debian" or the "venv" clients. */
    Result python(String clients, String file, List<String> args) throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        assertTrue(Files.exists(dir.resolve(file)));
        String python = clients.equals("venv") ? JupyterEnv.python(repo).toString() : DEBIAN_PYTHON;
        String path = clients.equals("venv") ? dir + ":" + kernelTestOnly : dir.toString();
        List<String> command = new ArrayList<>();
        command.add(python);
        command.addAll(args);
        return Command.run(command, installed.env(Map.of("PYTHONPATH", path)), 600, dir);
    }

    /** Debian 12 ships jupyter_client 7; the environment must really have run on 8. */
    static void assertClientVersion(String clients, Result r) {
        Matcher m = CLIENT_VERSION.matcher(r.output());
        assertTrue(m.find(), "the script printed the client's version:\n" + r.output());
        int major = Integer.parseInt(m.group(1));
        if (clients.equals("venv")) {
            assertEquals(8, major, "the environment's run used jupyter_client 8:\n" + r.output());
        } else {
            assertTrue(major >= 7, "Debian's jupyter_client:\n" + r.output());
        }
    }

    private Result run(List<String> command) throws Exception {
        return Command.run(command, Map.of(), 60, repo);
    }

    @Override
    public void close() throws IOException {
        installed.close();
        InstalledKernel.delete(kernelTestOnly);
    }
}
