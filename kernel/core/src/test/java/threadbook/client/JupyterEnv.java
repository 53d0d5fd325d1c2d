package threadbook.client;

import static org.junit.jupiter.api.Assertions.fail;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The project's own Python environment, made by install/venv.sh: JupyterLab 4, Notebook 7, jupyter_client 8,
 * nbclient 0.10+ and Selenium, installed with pip. install/test.sh passes its folder in THREADBOOK_VENV (or the
 * system property threadbook.venv); without either, .venv in the repository. A missing environment fails the
 * test that needs it, saying how to make one: it never skips it.
 */
public final class JupyterEnv {
    private JupyterEnv() {}

    /** The folder of the environment (it may not exist: see {@link #python}). */
    public static Path folder(Path repo) {
        String configured = System.getProperty("threadbook.venv");
        if (configured == null || configured.isBlank()) {
            configured = System.getenv("THREADBOOK_VENV");
        }
        return configured == null || configured.isBlank() ? repo.resolve(".venv") : Path.of(configured).toAbsolutePath();
    }

    /** The environment's python; fails the test with what to run if there is none. */
    public static Path python(Path repo) {
        Path python = folder(repo).resolve("bin/python");
        if (!Files.isExecutable(python)) {
            fail("This test needs the project's Jupyter environment (JupyterLab 4, jupyter_client 8, nbclient, Selenium)"
                    + " and there is none at " + folder(repo) + ".\nRun the tests with install/test.sh, which makes it,"
                    + " or make it yourself with: install/venv.sh --tests " + folder(repo)
                    + "\n(THREADBOOK_VENV or -Dthreadbook.venv=DIR point the tests at another folder.)");
        }
        return python;
    }
}
