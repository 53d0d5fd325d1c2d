package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import threadbook.client.Command;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;

/**
 * Every notebook's exercises, through a real kernel: each reference solution passes its %%test cell, and
 * the students' copy (made by notebooks/tools/student_version.py) fails every %%test cell, so no test
 * passes without the work it checks. Only the cells an exercise needs run, not the whole notebook
 * (NotebooksIT runs those): the "## Exercises" section, and the cells named here that it uses.
 */
class ExercisesIT {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent().getParent();
    private static final Duration CELL = Duration.ofSeconds(300);
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed");

    /** The cells before the exercises that they use: helpers, the server of 04, the Java 21 check of 05. */
    private static final Map<String, List<String>> NEEDS = Map.of(
            "01-threads", List.of("nb01-deadlock-code", "nb01-deadlock-report", "nb01-deadlock-fix-code"),
            "02-processes", List.of(),
            "03-async", List.of("nb03-01"),
            "04-real-world", List.of("nb04-02", "nb04-06"),
            "05-when-to-use-what", List.of("nb05-03", "nb05-10"));

    record Cell(String id, String source) {
        boolean isTest() {
            return source.startsWith("%%test");
        }
    }

    /** The code cells to run, in order: those the exercises need, then every code cell from "## Exercises" on. */
    static List<Cell> cells(Path notebook, List<String> needed) throws Exception {
        JsonObject nb = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
        List<Cell> chosen = new ArrayList<>();
        List<Cell> exercises = new ArrayList<>();
        boolean inExercises = false;
        for (JsonElement e : nb.getAsJsonArray("cells")) {
            JsonObject c = e.getAsJsonObject();
            StringBuilder source = new StringBuilder();
            for (JsonElement line : c.getAsJsonArray("source")) {
                source.append(line.getAsString());
            }
            String text = source.toString();
            if (c.get("cell_type").getAsString().equals("markdown")) {
                inExercises |= text.startsWith("## Exercises");
                continue;
            }
            Cell cell = new Cell(c.get("id").getAsString(), text);
            if (needed.contains(cell.id())) {
                chosen.add(cell);
            } else if (inExercises) {
                exercises.add(cell);
            }
        }
        assertEquals(needed.size(), chosen.size(), notebook + ": the cells the exercises need are there");
        chosen.addAll(exercises);
        return chosen;
    }

    /**
     * The newest JDK here, as install.sh picks it: 05's exercises use virtual threads (Java 21+), and Maven
     * may run the tests on an older JDK. Its own java when that is new enough.
     */
    static Path newestJava() throws Exception {
        Path best = Path.of(System.getProperty("java.home"), "bin", "java");
        int bestVersion = Runtime.version().feature();
        Path jvms = Path.of("/usr/lib/jvm");
        if (Files.isDirectory(jvms)) {
            try (var dirs = Files.list(jvms)) {
                for (Path jdk : dirs.toList()) {
                    Path release = jdk.resolve("release");
                    Path bin = jdk.resolve("bin").resolve("java");
                    if (!Files.isRegularFile(release) || !Files.isExecutable(bin) || !Files.isRegularFile(jdk.resolve("bin/javac"))) {
                        continue;
                    }
                    Matcher m = Pattern.compile("JAVA_VERSION=\"(\\d+)").matcher(Files.readString(release));
                    if (m.find() && Integer.parseInt(m.group(1)) > bestVersion) {
                        best = bin;
                        bestVersion = Integer.parseInt(m.group(1));
                    }
                }
            }
        }
        assertTrue(bestVersion >= 21, "05's exercises need a JDK 21+ (virtual threads); the newest found is " + bestVersion);
        return best;
    }

    static String traceback(KernelClient.Execution e) {
        JsonArray tb = e.error() == null ? null : e.error().content().getAsJsonArray("traceback");
        return tb == null ? "" : tb.toString();
    }

    @ParameterizedTest
    @ValueSource(strings = {"01-threads", "02-processes", "03-async", "04-real-world", "05-when-to-use-what"})
    void referenceSolutionsPassAndTheStudentsCopyFails(String name) throws Exception {
        List<Cell> reference = cells(REPO.resolve("notebooks").resolve(name + ".ipynb"), NEEDS.get(name));
        long tests = reference.stream().filter(Cell::isTest).count();
        assertTrue(tests >= 2, name + " has " + tests + " %%test cells; at least 2 exercises are wanted");
        long solutions = reference.stream().filter(c -> c.source().contains("// BEGIN SOLUTION")).count();
        assertTrue(solutions >= tests, name + ": every exercise has a solution between the markers");

        Path java = newestJava();
        try (KernelProcess kernel = KernelProcess.start(Map.of(), java); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            for (Cell cell : reference) {
                KernelClient.Execution run = client.execute(cell.source(), CELL);
                assertEquals("ok", run.status(), name + " " + cell.id() + " failed:\n" + run.stdout() + traceback(run));
                if (cell.isTest()) {
                    Matcher m = SUMMARY.matcher(run.stdout());
                    assertTrue(m.find() && Integer.parseInt(m.group(1)) >= 1 && m.group(2).equals("0"),
                            name + " " + cell.id() + ": " + run.stdout());
                }
                if (cell.id().equals("nb01-deadlock-report")) {
                    assertTrue(run.stdout().contains("first holds lockA and waits for lockB, which second holds"), run.stdout());
                }
            }
        }

        Path students = Files.createTempDirectory("threadbook-students");
        Command.Result made = Command.run(List.of("python3", "notebooks/tools/student_version.py", students.toString()),
                Map.of(), 120, REPO);
        assertEquals(0, made.code(), made.output());
        List<Cell> copy = cells(students.resolve(name + ".ipynb"), NEEDS.get(name));
        assertTrue(copy.stream().noneMatch(c -> c.source().contains("BEGIN SOLUTION")), "no solution left in the students' copy");
        try (KernelProcess kernel = KernelProcess.start(Map.of(), java); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            for (Cell cell : copy) {
                KernelClient.Execution run = client.execute(cell.source(), CELL);
                if (cell.isTest()) {
                    assertEquals("error", run.status(), name + " " + cell.id() + " passes with no solution written:\n" + run.stdout());
                }
            }
        } finally {
            for (Path p : Files.list(students).toList()) {
                Files.delete(p);
            }
            Files.delete(students);
        }
    }
}
