package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;

/**
 * The course tools on the kernel, the real ones from the project's environment (install/venv.sh --tests installs
 * them; from ../shared/wheels beside the clone where pip's index lacks them): papermill runs a notebook with a
 * parameter through Threadbook's Java translator; jupytext turns each notebook into a .java script and back; nbval
 * reruns the notebooks that wait more than they compute and check_notebooks.py checks their examples on that run
 * ({@link NbvalRun}). A missing tool fails the test: it never skips.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Tag("long")
class CourseToolsIT {
    static final String KERNEL = "threadbook-tools";

    private final Path repo = InstalledKernel.REPO;
    private InstalledKernel installed;
    private String python;
    private Path work;

    @BeforeAll
    void install() throws Exception {
        python = JupyterEnv.python(repo).toString();
        Result tools = Command.run(List.of(python, "-c", "import papermill, jupytext, nbval, pytest, threadbook_papermill"),
                Map.of(), 60, repo);
        assertEquals(0, tools.code(), "the course tools are missing in " + JupyterEnv.folder(repo)
                + " (install/venv.sh --tests installs papermill, jupytext, nbval and pytest):\n" + tools.output());
        work = Files.createTempDirectory("threadbook-tools");
        installed = InstalledKernel.onNewestJdkWithoutArchive(KERNEL); // the notebooks need Java 21+
    }

    @AfterAll
    void uninstall() throws Exception {
        if (installed != null) {
            installed.close();
        }
        InstalledKernel.delete(work);
    }

    private Result run(int seconds, String... command) throws Exception {
        return NbvalRun.run(installed, work, Map.of(), seconds, List.of(command));
    }

    @Test
    void theJavaTranslatorWritesJavaDeclarations() throws Exception {
        Result r = run(120, python, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                repo.resolve("install/python/threadbook-papermill").toString());
        assertEquals(0, r.code(), r.output());
        assertTrue(Pattern.compile("(?m)^\\d+ passed").matcher(r.output()).find(), r.output());
    }

    @Test
    void papermillRunsANotebookWithParameters() throws Exception {
        Path in = work.resolve("threads.ipynb");
        Files.writeString(in, """
                {"cells": [
                  {"cell_type": "code", "execution_count": null, "id": "p", "metadata": {"tags": ["parameters"]}, "outputs": [],
                   "source": "int threads = 2; // how many threads each variant starts\\nString who = \\"nobody\\";"},
                  {"cell_type": "code", "execution_count": null, "id": "c", "metadata": {}, "outputs": [],
                   "source": "%%compare\\n// --- threads that sleep\\nList<Thread> started = new ArrayList<>();\\nfor (int i = 0; i < threads; i++) {\\n    Thread t = new Thread(() -> { try { Thread.sleep(50); } catch (InterruptedException e) { } });\\n    t.start();\\n    started.add(t);\\n}\\nfor (Thread t : started) t.join();\\nSystem.out.println(started.size() + \\" threads for \\" + who);\\n// --- none\\nSystem.out.println(\\"none for \\" + who);"}
                 ],
                 "metadata": {"kernelspec": {"name": "threadbook", "display_name": "Java (Threadbook)", "language": "java"}},
                 "nbformat": 4, "nbformat_minor": 5}
                """);
        Result r = run(300, python, "-m", "papermill", "-k", KERNEL, in.toString(), work.resolve("out.ipynb").toString(),
                "-p", "threads", "4", "-p", "who", "a \"quoted\" name\\");
        assertEquals(0, r.code(), r.output());
        String out = Files.readString(work.resolve("out.ipynb"));
        com.google.gson.JsonArray cells = com.google.gson.JsonParser.parseString(out).getAsJsonObject().getAsJsonArray("cells");
        assertEquals(3, cells.size(), "papermill added a cell after the parameters:\n" + out);
        com.google.gson.JsonObject injected = cells.get(1).getAsJsonObject();
        assertTrue(injected.getAsJsonObject("metadata").getAsJsonArray("tags").toString().contains("injected-parameters"), out);
        assertEquals("// Parameters\nint threads = 4;\nString who = \"a \\\"quoted\\\" name\\\\\";\n", text(injected.get("source")));
        StringBuilder printed = new StringBuilder();
        for (var output : cells.get(2).getAsJsonObject().getAsJsonArray("outputs")) {
            if (output.getAsJsonObject().has("text")) {
                printed.append(text(output.getAsJsonObject().get("text")));
            }
        }
        assertTrue(printed.toString().contains("4 threads for a \"quoted\" name\\\n"), "the cell ran with the parameters:\n" + printed);

        // The course's own parameters cell, as papermill describes it without running the notebook.
        Result help = run(120, python, "-m", "papermill", "--help-notebook",
                repo.resolve("notebooks/05-when-to-use-what.ipynb").toString());
        assertEquals(0, help.code(), help.output());
        assertTrue(Pattern.compile("threads: int \\(default cores\\)").matcher(help.output()).find(), help.output());
    }

    /**
     * The widgets' state saved in the shipped notebooks renders in nbconvert's HTML. The page loads the widgets'
     * renderer (@jupyter-widgets/html-manager) from a CDN; here, as offline, a copy from npm's registry through
     * nbconvert's widget_renderer_url. Chromium renders the page; what counts is what is drawn, not the saved JSON.
     */
    @Test
    void savedWidgetStateRendersInNbconvertsHtml() throws Exception {
        Result pack = run(180, "npm", "pack", "--silent", "@jupyter-widgets/html-manager@1.0.15");
        assertEquals(0, pack.code(), pack.output());
        Path tarball = work.resolve("jupyter-widgets-html-manager-1.0.15.tgz");
        assertEquals(0, run(60, "tar", "xzf", tarball.toString()).code());
        Path embed = work.resolve("package/dist/embed.js");
        assertTrue(Files.isRegularFile(embed), "npm's package has dist/embed.js");
        Map<String, Pattern> drawn = Map.of(
                "01-threads", Pattern.compile("widget-slider[\\s\\S]*so [\\d,]+ lost[\\s\\S]*"
                        + "first</td><td[^>]*><b>BLOCKED"),
                "05-when-to-use-what", Pattern.compile("widget-slider[\\s\\S]*primes below \\d+ with 2 threads"));
        for (var notebook : drawn.entrySet()) {
            Result html = run(180, python, "-m", "jupyter", "nbconvert", "--to", "html",
                    "--HTMLExporter.widget_renderer_url=" + embed.toUri(), "--output-dir", work.toString(),
                    repo.resolve("notebooks").resolve(notebook.getKey() + ".ipynb").toString());
            assertEquals(0, html.code(), html.output());
            Result dom = Command.run(List.of("/usr/bin/chromium", "--headless", "--no-sandbox", "--disable-gpu",
                    "--disable-background-networking", "--no-first-run", "--allow-file-access-from-files",
                    "--user-data-dir=" + work.resolve("chromium-" + notebook.getKey()), "--virtual-time-budget=20000",
                    "--dump-dom", work.resolve(notebook.getKey() + ".html").toUri().toString()), Map.of(), 120, work);
            assertEquals(0, dom.code(), dom.output().substring(0, Math.min(2000, dom.output().length())));
            // The saved state sits in <script> elements: what remains without them was drawn by the renderer.
            String rendered = dom.output().replaceAll("(?s)<script[^>]*>.*?</script>", "");
            assertTrue(notebook.getValue().matcher(rendered).find(), notebook.getKey()
                    + ": the widgets drew the slider and their saved outputs; the page without its scripts:\n"
                    + rendered.substring(Math.max(0, rendered.indexOf("widget")), Math.min(rendered.length(),
                            Math.max(0, rendered.indexOf("widget")) + 3000)));
        }
    }

    /** A notebook's multi-line string: one string, or a list of lines. */
    private static String text(com.google.gson.JsonElement e) {
        if (e.isJsonPrimitive()) {
            return e.getAsString();
        }
        StringBuilder s = new StringBuilder();
        e.getAsJsonArray().forEach(line -> s.append(line.getAsString()));
        return s.toString();
    }

    @Test
    void jupytextTurnsEachNotebookIntoJavaAndBack() throws Exception {
        Path dir = Files.createDirectories(work.resolve("jupytext"));
        Result r = run(300, python, repo.resolve("kernel/core/src/test/python/jupytext_round_trip.py").toString(), dir.toString());
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("6 passed, 0 failed"), r.output());
    }

    /**
     * The notebooks that wait more than they compute, beside other tests and each other (one pytest each, at once);
     * the others run in NotebookMeasuresIT (see {@link NbvalRun}). Every notebook is in one of the two.
     */
    @Test
    void nbvalRerunsTheNotebooksThatWaitAndEveryExampleShowsWhatItMust() throws Exception {
        List<String> notebooks = new ArrayList<>(NbvalRun.allNotebooks());
        assertEquals(6, notebooks.size(), "the six notebooks: " + notebooks);
        notebooks.removeAll(NbvalRun.MEASURING_CORES);
        NbvalRun.runAndCheck(installed, python, work, notebooks.stream().map(List::of).toList(), false);
    }
}
