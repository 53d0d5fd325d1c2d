package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
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
 * The instructor's path of notebooks/README.md ("Grading with nbgrader") with the real nbgrader 0.9.5 command line,
 * which install/venv.sh --tests puts in the project's environment (from ../shared/wheels beside the repository, or
 * PyPI). notebooks/tools/nbgrader_source.py makes the course folder; generate_assignment works on all five
 * notebooks with exercises; the quickest of them to run (02-processes, about 20 s) goes through release, a
 * student's fetch and submit, collect, autograde with the kernel, generate_feedback and export. A missing nbgrader
 * fails the test: it never skips it.
 */
@Tag("long")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NbgraderIT {
    private static final String ASSIGNMENT = "02-processes";
    private static final String KERNEL = "threadbook-nbgrader";
    private static final List<String> WITH_EXERCISES =
            List.of("01-threads", "02-processes", "03-async", "04-real-world", "05-when-to-use-what");

    private static final Pattern NONE_PASSED = Pattern.compile("[^0-9]0 passed, [1-9]");

    private final Path repo = InstalledKernel.REPO;
    private Path bin;
    private Path work;

    @BeforeAll
    void findNbgrader() throws IOException {
        bin = JupyterEnv.python(repo).getParent();
        if (!Files.isExecutable(bin.resolve("nbgrader")) || !Files.isExecutable(bin.resolve("alembic"))) {
            fail("This test needs nbgrader 0.9.5 (and the alembic it runs) in " + JupyterEnv.folder(repo) + ", and it is"
                    + " not there.\nRun the tests with install/test.sh, or install it with: install/venv.sh --tests "
                    + JupyterEnv.folder(repo) + "\n(it takes nbgrader's wheel from ../shared/wheels beside the repository,"
                    + " or THREADBOOK_WHEELS, when there is one, else from PyPI).");
        }
        work = Files.createTempDirectory("threadbook-nbgrader");
        // Instead of the machine's exchange (/srv/nbgrader/exchange), one of the test's own, in a configuration
        // that instructor and student both read, as /etc/jupyter/nbgrader_config.py would be on a server.
        Files.createDirectories(work.resolve("exchange"));
        Files.createDirectories(work.resolve("jupyter-config"));
        Files.writeString(work.resolve("jupyter-config/nbgrader_config.py"),
                "c = get_config()\nc.Exchange.root = \"" + work.resolve("exchange") + "\"\n");
    }

    @AfterAll
    void removeWork() throws IOException {
        InstalledKernel.delete(work);
    }

    /** nbgrader in dir, with the environment's bin first on PATH (nbgrader runs alembic from there). */
    private Result nbgrader(Path dir, Map<String, String> env, int timeoutSeconds, String... args) throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("PATH", bin + ":" + System.getenv("PATH"));
        all.put("JUPYTER_CONFIG_DIR", work.resolve("jupyter-config").toString());
        List<String> command = new ArrayList<>(List.of(bin.resolve("nbgrader").toString()));
        command.addAll(List.of(args));
        Result r = Command.run(command, all, timeoutSeconds, dir);
        assertEquals(0, r.code(), "nbgrader " + String.join(" ", args) + " failed:\n" + r.output());
        return r;
    }

    private Result courseFolder(Path course, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("python3", "notebooks/tools/nbgrader_source.py", course.toString()));
        command.addAll(List.of(args));
        Result made = Command.run(command, Map.of(), 60, repo);
        assertEquals(0, made.code(), made.output());
        return made;
    }

    private static JsonObject read(Path notebook) throws IOException {
        return JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
    }

    private static String source(JsonObject cell) {
        JsonElement source = cell.get("source");
        if (source.isJsonPrimitive()) {
            return source.getAsString();
        }
        StringBuilder text = new StringBuilder();
        source.getAsJsonArray().forEach(line -> text.append(line.getAsString()));
        return text.toString();
    }

    /** The cells by id, in order. */
    private static Map<String, JsonObject> cells(JsonObject notebook) {
        Map<String, JsonObject> cells = new LinkedHashMap<>();
        notebook.getAsJsonArray("cells").forEach(c -> cells.put(c.getAsJsonObject().get("id").getAsString(), c.getAsJsonObject()));
        return cells;
    }

    private static JsonObject nbgraderMetadata(JsonObject cell) {
        JsonObject metadata = cell.getAsJsonObject("metadata");
        return metadata.has("nbgrader") ? metadata.getAsJsonObject("nbgrader") : new JsonObject();
    }

    private static boolean is(JsonObject cell, String kind) {
        JsonObject nbgrader = nbgraderMetadata(cell);
        return nbgrader.has(kind) && nbgrader.get(kind).getAsBoolean();
    }

    @Test
    void everyNotebookWithExercisesMakesAnAssignment() throws Exception {
        Path course = work.resolve("all-five");
        courseFolder(course, "--assignment", "all-five");
        nbgrader(course, Map.of(), 300, "generate_assignment", "all-five");
        for (String name : WITH_EXERCISES) {
            Map<String, JsonObject> shipped = cells(read(repo.resolve("notebooks/" + name + ".ipynb")));
            Map<String, JsonObject> released = cells(read(course.resolve("release/all-five/" + name + ".ipynb")));
            assertEquals(shipped.keySet(), released.keySet(), name + ": the students' copy has every cell");
            int solutions = 0;
            int tests = 0;
            for (JsonObject cell : released.values()) {
                String text = source(cell);
                assertFalse(text.contains("SOLUTION"), name + ": a solution left in the students' copy:\n" + text);
                if (is(cell, "solution")) {
                    solutions++;
                    assertTrue(text.contains("// YOUR CODE HERE") && text.contains("throw new UnsupportedOperationException("),
                            name + ": the stub of nbgrader_config.py replaces the solution:\n" + text);
                }
                if (is(cell, "grade")) {
                    tests++;
                    assertTrue(is(cell, "locked") && text.startsWith("%%test")
                            && text.equals(source(shipped.get(cell.get("id").getAsString()))), name + ": " + text);
                    assertEquals(1, nbgraderMetadata(cell).get("points").getAsInt());
                }
            }
            assertTrue(solutions >= 2 && tests >= 2, name + ": " + solutions + " solution cells, " + tests + " graded");
        }
        // Only the lines between the markers go: the method the exercise names stays around the student's part.
        String transfer = source(cells(read(course.resolve("release/all-five/01-threads.ipynb"))).get("nb01-ex2-solution"));
        assertTrue(transfer.startsWith("void transferSafely(Account from, Account to, long amount) {\n    // YOUR CODE HERE")
                && transfer.endsWith("\n}"), transfer);
    }

    @Test
    void autogradeGivesTheSolvedHandInEveryPointAndTheUntouchedOneNone() throws Exception {
        long start = System.nanoTime();
        Path course = work.resolve("course");
        courseFolder(course, "notebooks/" + ASSIGNMENT + ".ipynb");
        String solved;
        try (InstalledKernel kernel = InstalledKernel.onNewestJdkWithoutArchive(KERNEL)) {
            // As the config's comment tells an instructor who installed the kernel under another name: autograde
            // runs the kernel it names, not the one the notebooks name.
            Path config = course.resolve("nbgrader_config.py");
            String settings = Files.readString(config);
            String kernelName = "c.Execute.kernel_name = \"threadbook\"";
            assertTrue(settings.contains(kernelName), settings);
            Files.writeString(config, settings.replace(kernelName, "c.Execute.kernel_name = \"" + KERNEL + "\""));
            Map<String, String> env = Map.of("JUPYTER_PATH", kernel.env(Map.of()).get("JUPYTER_PATH"));
            nbgrader(course, env, 300, "generate_assignment", ASSIGNMENT);
            nbgrader(course, env, 300, "release_assignment", ASSIGNMENT);

            // A student fetches it, writes the reference solutions into the solution cells, and submits.
            Path student = Files.createDirectories(work.resolve("student"));
            nbgrader(student, env, 300, "fetch_assignment", ASSIGNMENT, "--course", "threadbook");
            Path fetched = student.resolve(ASSIGNMENT + "/" + ASSIGNMENT + ".ipynb");
            JsonObject handIn = read(fetched);
            Map<String, JsonObject> reference = cells(read(repo.resolve("notebooks/" + ASSIGNMENT + ".ipynb")));
            int written = 0;
            for (JsonObject cell : cells(handIn).values()) {
                if (is(cell, "solution")) {
                    cell.add("source", reference.get(cell.get("id").getAsString()).get("source"));
                    written++;
                }
            }
            assertEquals(2, written, "the solution cells of " + ASSIGNMENT);
            Files.writeString(fetched, new GsonBuilder().setPrettyPrinting().disableHtmlEscaping().create().toJson(handIn), StandardCharsets.UTF_8);
            nbgrader(student, env, 300, "submit", ASSIGNMENT, "--course", "threadbook");
            nbgrader(course, env, 300, "collect", ASSIGNMENT);
            List<String> collected;
            try (var dirs = Files.list(course.resolve("submitted"))) {
                collected = dirs.map(p -> p.getFileName().toString()).toList();
            }
            assertEquals(1, collected.size(), "collect put the one hand-in into submitted/: " + collected);
            solved = collected.get(0);

            // A hand-in that came another way: the released notebook as it was, copied into submitted/.
            Path untouched = Files.createDirectories(course.resolve("submitted/untouched/" + ASSIGNMENT));
            Files.copy(course.resolve("release/" + ASSIGNMENT + "/" + ASSIGNMENT + ".ipynb"), untouched.resolve(ASSIGNMENT + ".ipynb"));

            long grading = System.nanoTime();
            nbgrader(course, env, 1200, "autograde", ASSIGNMENT);
            System.out.printf("NbgraderIT: autograde of two hand-ins of %s took %.0f s%n", ASSIGNMENT, (System.nanoTime() - grading) / 1e9);
        }
        assertTestCells(course.resolve("autograded/" + solved + "/" + ASSIGNMENT + "/" + ASSIGNMENT + ".ipynb"), true);
        assertTestCells(course.resolve("autograded/untouched/" + ASSIGNMENT + "/" + ASSIGNMENT + ".ipynb"), false);

        nbgrader(course, Map.of(), 300, "generate_feedback", ASSIGNMENT);
        for (String who : List.of(solved, "untouched")) {
            Path feedback = course.resolve("feedback/" + who + "/" + ASSIGNMENT + "/" + ASSIGNMENT + ".html");
            assertTrue(Files.isRegularFile(feedback), "generate_feedback wrote " + feedback);
        }

        nbgrader(course, Map.of(), 300, "export", "--to", course.resolve("grades.csv").toString());
        Map<String, String> scores = new HashMap<>();
        List<String> lines = Files.readAllLines(course.resolve("grades.csv"));
        List<String> header = List.of(lines.get(0).split(","));
        for (String line : lines.subList(1, lines.size())) {
            String[] row = line.split(",", -1);
            scores.put(row[header.indexOf("student_id")], row[header.indexOf("score")] + " of " + row[header.indexOf("max_score")]);
        }
        assertEquals(Map.of(solved, "2.0 of 2.0", "untouched", "0.0 of 2.0"), scores, String.join("\n", lines));
        System.out.printf("NbgraderIT: the walk-through took %.0f s%n", (System.nanoTime() - start) / 1e9);
    }

    /**
     * Each graded cell ran: with every test passed (a %%test cell's summary) or with an error. In the untouched
     * hand-in, each solution cell ran nbgrader's code stub ("exercise not done yet"), and each graded cell failed
     * for it: its tests failed on the stub, or, where the stub replaced a whole declaration, the tests name the
     * method that is not declared.
     */
    private static void assertTestCells(Path autograded, boolean pass) throws IOException {
        int graded = 0;
        int stubs = 0;
        for (JsonObject cell : cells(read(autograded)).values()) {
            String outputs = cell.has("outputs") ? cell.getAsJsonArray("outputs").toString() : "";
            if (is(cell, "solution") && outputs.contains("exercise not done yet")) {
                stubs++;
            }
            if (!is(cell, "grade")) {
                continue;
            }
            graded++;
            boolean error = outputs.contains("\"output_type\":\"error\"");
            assertEquals(!pass, error, autograded + " " + cell.get("id") + ": " + outputs);
            assertTrue(pass ? outputs.contains(" passed, 0 failed")
                            : NONE_PASSED.matcher(outputs).find() && outputs.contains("exercise not done yet")
                                    || outputs.contains("which is not declared: run the cell that declares it first"),
                    autograded + " " + cell.get("id") + ": " + outputs);
        }
        assertEquals(2, graded, autograded + ": the graded cells");
        assertEquals(pass ? 0 : 2, stubs, autograded + ": solution cells that ran the code stub");
    }
}
