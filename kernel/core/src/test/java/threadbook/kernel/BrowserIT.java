package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * End to end in a real browser: notebooks/00-start-here.ipynb (a temporary copy, its outputs cleared) opened in
 * Debian's Jupyter Notebook in headless Chromium driven by chromedriver, run with Cell → Run All clicked in the
 * menu, its outputs checked in the page (src/test/python/browser_run_all.py does that), and a screenshot kept as
 * target/browser/run-all.png for CI to keep as an artifact. If the T1 example (two threads, about 2 s, not 4) is
 * no longer in that notebook, the notebook next to it that holds it is run the same way, and its screenshot is
 * target/browser/run-all-NOTEBOOK.png.
 *
 * <p>A missing browser, driver, Selenium or Jupyter fails this test, naming the Debian package to install: it
 * never skips it.
 */
@Tag("long")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class BrowserIT {
    static final String PYTHON = "/usr/bin/python3";
    static final String KERNEL = "threadbook-browser";
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;
    private Path screenshot;

    @BeforeAll
    void install() throws Exception {
        screenshot = repo.resolve("kernel/core/target/browser/run-all.png");

        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            missing.add("/usr/bin/chromium is missing (Debian: apt-get install chromium)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            missing.add("/usr/bin/chromedriver is missing (Debian: apt-get install chromium-driver)");
        }
        if (!Files.isExecutable(Path.of(PYTHON))) {
            missing.add(PYTHON + " is missing (Debian: apt-get install python3)");
        } else {
            Result selenium = Command.run(List.of(PYTHON, "-c", "import selenium.webdriver"), Map.of(), 60, repo);
            if (selenium.code() != 0) {
                missing.add("Selenium for " + PYTHON + " is missing (Debian: apt-get install python3-selenium):\n"
                        + selenium.output());
            }
            Result notebook = Command.run(List.of(PYTHON, "-c", "import notebook.notebookapp"), Map.of(), 60, repo);
            if (notebook.code() != 0) {
                missing.add("Jupyter Notebook for " + PYTHON + " is missing (Debian: apt-get install jupyter-notebook):\n"
                        + notebook.output());
            }
        }
        if (!missing.isEmpty()) {
            fail("The browser test needs what is missing here:\n  " + String.join("\n  ", missing));
        }

        installed = InstalledKernel.onTestJdk(KERNEL);
    }

    @AfterAll
    void removePrefix() throws IOException {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    void runAllInNotebookInHeadlessChromiumShowsTheOutputs() throws Exception {
        for (Path old : screenshots()) {
            Files.delete(old);  // so the files checked below are this run's
        }
        Path dir = repo.resolve("kernel/core/src/test/python");
        Path script = dir.resolve("browser_run_all.py");
        assertTrue(Files.exists(script), script.toString());
        Result r = Command.run(List.of(PYTHON, script.toString()), installed.env(Map.of(
                "THREADBOOK_SCREENSHOT", screenshot.toString())), 300, dir);
        System.out.println(r.output());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains(" passed, 0 failed"), "every check in the page passed:\n" + r.output());
        assertTrue(Files.isRegularFile(screenshot), "the screenshot " + screenshot + " was saved:\n" + r.output());
        for (Path file : screenshots()) {
            byte[] png = Files.readAllBytes(file);
            assertTrue(png.length > PNG_SIGNATURE.length, file + " is not empty: " + png.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(png, PNG_SIGNATURE.length), file + " is a PNG");
        }
    }

    /** run-all.png and the run-all-NOTEBOOK.png of a second notebook, if one was run. */
    private List<Path> screenshots() throws IOException {
        Path dir = screenshot.getParent();
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(f -> f.getFileName().toString().matches("run-all(-.+)?\\.png")).sorted().toList();
        }
    }


}
