package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;

/**
 * The Java widgets in JupyterLab 4's widget manager (jupyterlab_widgets), in headless Chromium:
 * src/test/python/widgets_lab.py runs a notebook of four cells and, in the page, moves an interact slider with
 * the keyboard (the method runs again, its output changes), clicks a Button (its Java listener changes a Label),
 * sees a widget a background thread made after its cell ended and every other kind of widget render, saves the
 * notebook (its widget state) and opens it again: the widgets render from the saved state, marked disconnected.
 * One server, one notebook: 35-60 s with the kernel's install, on 2 loaded cores.
 * A missing environment, browser or driver fails this test, saying what to install.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class WidgetsLabIT {
    static final String KERNEL = "threadbook-widgets";

    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;
    private Path python;

    @BeforeAll
    void install() throws Exception {
        python = JupyterEnv.python(repo);
        if (!Files.isExecutable(Path.of("/usr/bin/chromium")) || !Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            fail("The widgets' browser test needs Chromium and its driver (Debian: apt-get install chromium chromium-driver)");
        }
        Result imports = Command.run(List.of(python.toString(), "-c", "import jupyterlab, jupyterlab_widgets, selenium.webdriver"),
                Map.of(), 120, repo);
        if (imports.code() != 0) {
            fail("JupyterLab, jupyterlab_widgets or Selenium is missing in " + JupyterEnv.folder(repo)
                    + " (install/venv.sh --tests installs them):\n" + imports.output());
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
    void aSliderAButtonAndABackgroundThreadsWidgetWorkInJupyterLab() throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        Path shots = repo.resolve("kernel/core/target/widgets");
        Result r = Command.run(List.of(python.toString(), "widgets_lab.py"),
                installed.env(Map.of("THREADBOOK_SHOTS", shots.toString(), "PYTHONUNBUFFERED", "1")), 600, dir);
        System.out.println(r.output());
        List<String> failed = r.output().lines().filter(l -> l.matches("\\[ *[0-9.]+ s\\] FAIL .*")).toList();
        assertTrue(failed.isEmpty(), "JupyterLab, widgets: " + failed.size() + " check(s) failed:\n" + String.join("\n", failed));
        assertEquals(0, r.code(), "the run ended with " + r.code() + " (its output is above)");
        for (String passed : List.of("PASS interact: moving the slider to 5 in the browser re-ran the method",
                "PASS a click on the Button ran its Java listener", "PASS a widget made by a background thread",
                "PASS every kind of widget renders", "PASS %%compare --slider: moving the slider to 5 re-ran the comparison",
                "PASS %threads --live: both threads BLOCKED",
                "PASS the saved notebook, opened again, renders its widgets from the saved state")) {
            assertTrue(r.output().contains(passed), "checked and passed: " + passed + "\n" + r.output());
        }
        assertTrue(Files.size(shots.resolve("01-widgets.png")) > 1000, "the screenshot was saved");
    }
}
