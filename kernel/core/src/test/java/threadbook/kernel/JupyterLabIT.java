package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertAll;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.function.Executable;

/**
 * JupyterLab 4 and Notebook 7, from the project's environment (install/venv.sh), in headless Chromium:
 * src/test/python/jupyterlab_run.py works a scratch notebook (first Tab's completion popup, contextual help for a
 * type and a method, a thread's late output, a progress bar updated in place, the stdin box, ■, restart), works the
 * visual debugger (the bug icon, a breakpoint clicked in a cell's gutter, the cell stopped there with the Callstack and
 * Variables panels filled, Next, Continue to the cell's normal output), runs
 * every notebook in notebooks/ with Run All and checks its outputs in the page (errors, charts rendered as SVG, the
 * examples' lines and times), opens the saved and the shipped notebooks untrusted and checks their charts render,
 * and runs Run All once in Notebook 7. Screenshots of each step are kept in target/jupyterlab/ for CI.
 *
 * <p>One run shares the server and the browser between the steps; a failure names each failed step with its checks and
 * the properties that rerun it alone ({@code -Djupyterlab.steps=debugger}, {@code -Djupyterlab.notebooks=...}).
 *
 * <p>The kernel is installed by install/install.sh into a temporary prefix with the JDK the script picks itself
 * (the newest: the notebooks use virtual threads, Java 21+). A missing environment, browser or driver fails this
 * test, saying what to install: it never skips it.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class JupyterLabIT {
    static final String KERNEL = "threadbook-lab";
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};

    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;
    private Path python;

    @BeforeAll
    void install() throws Exception {
        python = JupyterEnv.python(repo);
        List<String> missing = new ArrayList<>();
        if (!Files.isExecutable(Path.of("/usr/bin/chromium"))) {
            missing.add("/usr/bin/chromium is missing (Debian: apt-get install chromium)");
        }
        if (!Files.isExecutable(Path.of("/usr/bin/chromedriver"))) {
            missing.add("/usr/bin/chromedriver is missing (Debian: apt-get install chromium-driver)");
        }
        Result imports = Command.run(List.of(python.toString(), "-c", "import jupyterlab, notebook, selenium.webdriver"),
                Map.of(), 120, repo);
        if (imports.code() != 0) {
            missing.add("JupyterLab, Notebook 7 or Selenium is missing in " + JupyterEnv.folder(repo)
                    + " (install/venv.sh --tests installs them):\n" + imports.output());
        }
        if (!missing.isEmpty()) {
            fail("The JupyterLab test needs what is missing here (install/test.sh installs all of it):\n  "
                    + String.join("\n  ", missing));
        }
        installed = InstalledKernel.onNewestJdk(KERNEL);
    }

    @AfterAll
    void removePrefix() throws IOException {
        if (installed != null) {
            installed.close();
        }
    }

    @Test
    void everyNotebookRunsInJupyterLabAndTheFrontendFeaturesWork() throws Exception {
        Path dir = repo.resolve("kernel/core/src/test/python");
        Path shots = repo.resolve("kernel/core/target/jupyterlab");
        Map<String, String> env = new HashMap<>(Map.of("THREADBOOK_SHOTS", shots.toString(), "PYTHONUNBUFFERED", "1"));
        String steps = System.getProperty("jupyterlab.steps", "");
        String notebooks = System.getProperty("jupyterlab.notebooks", "");
        env.put("THREADBOOK_STEPS", steps);
        env.put("THREADBOOK_NOTEBOOKS", notebooks);
        Result r = Command.run(List.of(python.toString(), "jupyterlab_run.py"), installed.env(env), 1800, dir);
        System.out.println(r.output());
        Map<String, List<String>> report = StepReport.of(r.output());
        List<Executable> perStep = new ArrayList<>();
        report.forEach((step, failures) -> perStep.add(() -> assertTrue(failures.isEmpty(),
                "JupyterLab, " + step + ": " + failures.size() + " check(s) failed (rerun this step alone with "
                        + StepReport.rerun(step) + "):\n" + String.join("\n", failures))));
        if (report.values().stream().allMatch(List::isEmpty)) {
            perStep.add(() -> assertEquals(0, r.code(), "the run ended with " + r.code() + " but no FAIL line (its output is above)"));
        }
        assertAll("the steps of JupyterLabIT", perStep);
        if (!steps.isEmpty() || !notebooks.isEmpty()) {
            return; // the whole run's counts below hold for a run of every step only
        }
        Matcher summary = Pattern.compile("(?m)^(\\d+) passed, 0 failed$").matcher(r.output());
        assertTrue(summary.find() && Integer.parseInt(summary.group(1)) > 50, "the checks ran and all passed:\n" + r.output());
        for (String step : List.of("PASS debugger: the cell stops on line", "PASS debugger: Next steps to line",
                "PASS debugger: Continue runs the cell to its end")) {
            assertTrue(r.output().contains(step), "the debugger's steps ran and passed (" + step + "):\n" + r.output());
        }
        for (String figure : List.of("time to idle (JupyterLab)", "Run All (JupyterLab)", "Run All (Notebook 7)")) {
            assertTrue(r.output().contains(figure), "the run measured " + figure + ":\n" + r.output());
        }
        List<Path> pngs;
        try (Stream<Path> files = Files.list(shots)) {
            pngs = files.filter(f -> f.toString().endsWith(".png")).sorted().toList();
        }
        assertTrue(pngs.size() >= 20, "a screenshot of each step in " + shots + ": " + pngs);
        for (Path png : pngs) {
            byte[] bytes = Files.readAllBytes(png);
            assertTrue(bytes.length > 1000, png + " holds a picture: " + bytes.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length), png + " is a PNG");
        }
    }
}
