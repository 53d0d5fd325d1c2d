package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * JupyterLab 4 and Notebook 7, from the project's environment (install/venv.sh), in headless Chromium, driven by
 * src/test/python/jupyterlab_run.py (its docstring says what each step does and checks): one @Test per step, of the
 * step's name, all sharing one JupyterLab server and one browser, started once. A failure names its feature, and
 * reruns alone: {@code -Dit.test=JupyterLabIT#debugger}. The scratch notebook's steps (completion ... restart) share
 * its kernel, in their order, as a student works down a notebook. Screenshots of each step are kept in
 * target/jupyterlab/ for CI.
 *
 * <p>The kernel is installed by install/install.sh into a temporary prefix with the JDK the script picks itself
 * (the newest: the notebooks use virtual threads, Java 21+). A missing environment, browser or driver fails this
 * test, saying what to install: it never skips it.
 */
@Tag("long")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class JupyterLabIT {
    static final String KERNEL = "threadbook-lab";
    static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'};
    /** The longest a step may take on a loaded machine: runAll's two Run Alls (five minutes each at most). */
    static final long STEP_SECONDS = 900;
    private static final Pattern END = Pattern.compile("^\\[[\\s\\d.]+ s\\] END (\\S+): (\\d+) passed, (\\d+) failed$");
    private static final Pattern SHOT = Pattern.compile("screenshot (\\S+\\.png) \\(\\d+ bytes\\)");

    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;
    private Process lab;
    private Writer steps;
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private static final String EOF = "\u0000end of output";

    @BeforeAll
    void startJupyterLab() throws Exception {
        Path python = JupyterEnv.python(repo);
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
        Path shots = repo.resolve("kernel/core/target/jupyterlab");
        Map<String, String> env = new HashMap<>(Map.of("THREADBOOK_SHOTS", shots.toString(), "PYTHONUNBUFFERED", "1",
                "THREADBOOK_NOTEBOOKS", System.getProperty("jupyterlab.notebooks", "")));
        ProcessBuilder pb = new ProcessBuilder(python.toString(), "jupyterlab_run.py", "--serve")
                .directory(repo.resolve("kernel/core/src/test/python").toFile()).redirectErrorStream(true);
        pb.environment().putAll(installed.env(env));
        lab = pb.start();
        steps = new OutputStreamWriter(lab.getOutputStream(), StandardCharsets.UTF_8);
        Thread reader = new Thread(() -> {
            try (BufferedReader out = new BufferedReader(new InputStreamReader(lab.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = out.readLine()) != null; ) {
                    System.out.println(line);
                    lines.add(line);
                }
            } catch (IOException e) {
                lines.add("the output of jupyterlab_run.py could not be read: " + e);
            } finally {
                lines.add(EOF);
            }
        }, "jupyterlab_run.py output");
        reader.setDaemon(true);
        reader.start();
        List<String> start = until(line -> line.endsWith("] READY"), 300);
        assertTrue(start.get(start.size() - 1).endsWith("] READY") && start.stream().noneMatch(l -> l.contains("] FAIL ")),
                "JupyterLab and Chromium did not start:\n" + String.join("\n", start));
    }

    @AfterAll
    void stopJupyterLab() throws Exception {
        try {
            if (lab != null) {
                steps.close(); // the end of its steps: it shuts everything down and prints its figures
                List<String> rest = until(line -> false, 120);
                assertTrue(lab.waitFor(60, TimeUnit.SECONDS), "jupyterlab_run.py ended:\n" + String.join("\n", rest));
            }
        } finally {
            if (lab != null && lab.isAlive()) {
                lab.destroyForcibly();
            }
            if (installed != null) {
                installed.close();
            }
        }
    }

    /** The lines until one that matches (included), the end of the output, or the deadline. */
    private List<String> until(Predicate<String> last, long seconds) throws InterruptedException {
        List<String> got = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        while (true) {
            String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (line == null) {
                got.add("(no more output within " + seconds + " s)");
                return got;
            }
            if (line.equals(EOF)) {
                lines.add(EOF); // for the next reader
                got.add("(jupyterlab_run.py ended)");
                return got;
            }
            got.add(line);
            if (last.test(line)) {
                return got;
            }
        }
    }

    /** Runs one step of jupyterlab_run.py and fails with its failed checks; returns its lines. */
    private String step(String name) throws Exception {
        steps.write(name + "\n");
        steps.flush();
        List<String> out = until(line -> END.matcher(line).matches() && line.contains("] END " + name + ":"), STEP_SECONDS);
        String text = String.join("\n", out);
        Matcher end = END.matcher(out.get(out.size() - 1));
        assertTrue(end.matches(), "the step " + name + " did not end:\n" + text);
        List<String> failures = out.stream().filter(l -> l.contains("] FAIL ")).toList();
        assertTrue(failures.isEmpty() && end.group(3).equals("0"), "JupyterLab, " + name + ": " + end.group(3)
                + " check(s) failed (rerun it alone with -Dit.test=JupyterLabIT#" + name + "):\n"
                + String.join("\n", failures) + "\n\nThe step's lines:\n" + text);
        assertTrue(Integer.parseInt(end.group(2)) > 0, "the step " + name + " checked something:\n" + text);
        List<Path> pngs = new ArrayList<>();
        for (String line : out) {
            Matcher shot = SHOT.matcher(line);
            if (shot.find()) {
                pngs.add(Path.of(shot.group(1)));
            }
        }
        assertTrue(!pngs.isEmpty(), "the step " + name + " left a screenshot:\n" + text);
        for (Path png : pngs) {
            byte[] bytes = Files.readAllBytes(png);
            assertTrue(bytes.length > 1000, png + " holds a picture: " + bytes.length + " bytes");
            assertArrayEquals(PNG_SIGNATURE, Arrays.copyOf(bytes, PNG_SIGNATURE.length), png + " is a PNG");
        }
        return text;
    }

    @Test
    @Order(1)
    void completion() throws Exception {
        step("completion");
    }

    @Test
    @Order(2)
    void help() throws Exception {
        step("help");
    }

    @Test
    @Order(3)
    void lateOutput() throws Exception {
        step("lateOutput");
    }

    @Test
    @Order(4)
    void progress() throws Exception {
        step("progress");
    }

    @Test
    @Order(5)
    void stdin() throws Exception {
        step("stdin");
    }

    @Test
    @Order(6)
    void interrupt() throws Exception {
        step("interrupt");
    }

    @Test
    @Order(7)
    void restart() throws Exception {
        step("restart");
    }

    @Test
    @Order(8)
    void debugger() throws Exception {
        String out = step("debugger");
        for (String check : List.of("PASS debugger: the cell stops on line", "PASS debugger: Next steps to line",
                "PASS debugger: Continue runs the cell to its end")) {
            assertTrue(out.contains(check), "the debugger's steps ran and passed (" + check + "):\n" + out);
        }
    }

    @Test
    @Order(9)
    void runAll() throws Exception {
        String out = step("runAll");
        boolean all = System.getProperty("jupyterlab.notebooks", "").isEmpty();
        for (String figure : all ? List.of("time to idle (JupyterLab)", "Run All (JupyterLab)", "T1 in the page")
                : List.of("Run All (JupyterLab)")) {
            assertTrue(out.contains(figure), "the run measured or checked " + figure + ":\n" + out);
        }
    }

    @Test
    @Order(10)
    void charts() throws Exception {
        step("charts");
    }

    @Test
    @Order(11)
    void untrusted() throws Exception {
        step("untrusted");
    }

    @Test
    @Order(12)
    void notebook7() throws Exception {
        assertTrue(step("notebook7").contains("Run All (Notebook 7)"), "Notebook 7's Run All was measured");
    }
}
