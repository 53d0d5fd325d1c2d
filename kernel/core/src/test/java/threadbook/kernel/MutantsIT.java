package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import threadbook.client.Command;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.Poll;
import threadbook.kernel.NotebookExercises.Cell;

/**
 * Typical wrong answers to every exercise fail its %%test cell, every time: a check that passes a wrong answer
 * now and then grades unfairly and teaches the wrong lesson. Each mutant (src/test/resources/threadbook/mutants/
 * N.M/NAME.java) is the code of the student's cell for exercise N.M with one typical mistake; its first line,
 * {@code // fails: TEXT} (or {@code TEXT | OTHER}), is what the test's report must say, so that it fails for the
 * right reason.
 *
 * <p>The students' copy (made by notebooks/tools/student_version.py) must fail every %%test cell too, so that no
 * test passes without the work it checks, and each reference solution must pass its own, every test of it.
 *
 * <p>One kernel for all the notebooks: the cells the exercises need run once (only those: nbval runs the whole
 * notebooks, in CourseToolsIT), then for each exercise its cells as in the students' copy and the %%test cell, every
 * mutant and the %%test cell, {@code -Dmutants.runs} times (1 in the build; {@code -Dmutants.runs=20} measures
 * that every mutant fails 20 runs out of 20), then the reference solution and the %%test cell. It prints, per
 * mutant, the runs it failed and its slowest run, with the load average.
 */
@Tag("long")
class MutantsIT {
    private static final Path REPO = Path.of(System.getProperty("user.dir")).getParent().getParent();
    private static final Path MUTANTS = REPO.resolve("kernel/core/src/test/resources/threadbook/mutants");
    private static final int RUNS = Integer.getInteger("mutants.runs", 1);
    /**
     * Only the exercises named here (e.g. "1.1,3.2"), or single mutants ("3.1/join-in-greetLater"), for measuring a
     * few; all of them when empty.
     */
    private static final List<String> ONLY = List.of(System.getProperty("mutants.only", "").split(","));
    private static final Duration CELL = Duration.ofSeconds(300);
    private static final Pattern SUMMARY = Pattern.compile("(\\d+) passed, (\\d+) failed");
    /** 01's deadlock and its %threads report (the exercises of 01 come after them in the notebook). */
    private static final List<String> DEADLOCK = List.of("nb01-deadlock-code", "nb01-deadlock-report");

    /** The cells before the exercises that they use: the event loop of 03, the server of 04, countPrimes of 05. */
    private static final Map<String, List<String>> NEEDS = Map.of(
            "01-threads", List.of(),
            "02-processes", List.of(),
            "03-async", List.of("nb03-01"),
            "04-real-world", List.of("nb04-02", "nb04-06"),
            "05-when-to-use-what", List.of("nb05-03", "nb05-10"));

    private record Mutant(String exercise, String name, String code, String fails) {
        static Mutant read(String exercise, Path file) throws Exception {
            String code = Files.readString(file, StandardCharsets.UTF_8);
            String first = code.lines().findFirst().orElse("");
            assertTrue(first.startsWith("// fails: "), file + " starts with the line '// fails: TEXT'");
            return new Mutant(exercise, file.getFileName().toString(), code, first.substring("// fails: ".length()));
        }
    }

    private static List<Mutant> mutants(String exercise) throws Exception {
        Path dir = MUTANTS.resolve(exercise);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.list(dir)) {
            List<Mutant> found = new ArrayList<>();
            for (Path f : files.sorted().toList()) {
                found.add(Mutant.read(exercise, f));
            }
            return found;
        }
    }

    private static boolean wanted(String exercise) {
        return ONLY.equals(List.of("")) || ONLY.stream().anyMatch(o -> o.equals(exercise) || o.startsWith(exercise + "/"));
    }

    private static boolean wanted(Mutant m) {
        String name = m.exercise() + "/" + m.name().replaceFirst("\\.java$", "");
        return ONLY.equals(List.of("")) || ONLY.contains(m.exercise()) || ONLY.contains(name);
    }

    @Test
    void everyWrongAnswerAndTheStudentsCopyFailTheirTestAndTheReferenceSolutionPasses() throws Exception {
        List<String> problems = new ArrayList<>();
        StringBuilder figures = new StringBuilder();
        int checked = 0;
        Path students = Files.createTempDirectory("threadbook-students");
        try (KernelProcess kernel = KernelProcess.start(Map.of(), NotebookExercises.newestJava());
             KernelClient client = kernel.client()) {
            Command.Result made = Command.run(List.of("python3", "notebooks/tools/student_version.py", students.toString()),
                    Map.of(), 120, REPO);
            assertEquals(0, made.code(), made.output());
            client.awaitReady(Duration.ofSeconds(60));
            for (String name : NEEDS.keySet().stream().sorted().toList()) {
                String number = String.valueOf(Integer.parseInt(name.substring(0, 2)));
                List<Cell> cells = NotebookExercises.cells(REPO.resolve("notebooks").resolve(name + ".ipynb"), NEEDS.get(name));
                Map<String, String> studentsCopy = new HashMap<>();
                for (Cell c : NotebookExercises.cells(students.resolve(name + ".ipynb"), NEEDS.get(name))) {
                    assertFalse(c.source().contains("BEGIN SOLUTION"), name + " " + c.id() + ": a solution left in the students' copy");
                    studentsCopy.put(c.id(), c.source());
                }
                long tests = cells.stream().filter(Cell::isTest).count();
                assertTrue(tests >= 2, name + " has " + tests + " %%test cells; at least 2 exercises are wanted");
                int exercise = 0;
                List<Cell> solutions = new ArrayList<>();
                for (Cell cell : cells) {
                    if (cell.source().startsWith("%%compare")) {
                        continue; // timings, not checks (nbval runs them, in CourseToolsIT)
                    }
                    if (!cell.isTest()) {
                        if (cell.source().contains("// BEGIN SOLUTION")) {
                            // The students' copy first: a stub that does not compile leaves the exercise undone too.
                            solutions.add(cell);
                            client.execute(studentsCopy.get(cell.id()), CELL);
                        } else {
                            ok(client, name + " " + cell.id(), cell.source());
                        }
                        continue;
                    }
                    String id = number + "." + (++exercise);
                    assertTrue(!solutions.isEmpty(), id + " has a solution cell before its test");
                    if (!wanted(id)) {
                        solutions.forEach(s -> ok(client, id + " reference solution " + s.id(), s.source()));
                        solutions.clear();
                        continue;
                    }
                    KernelClient.Execution untouched = client.execute(cell.source(), CELL);
                    awaitNoWorkers(client);
                    if (!untouched.status().equals("error")) {
                        problems.add(id + " passes with no solution written (the students' copy):\n" + untouched.stdout());
                    }
                    List<Mutant> mutants = mutants(id);
                    assertTrue(mutants.size() >= 2, "exercise " + id + " has " + mutants.size() + " mutants in " + MUTANTS);
                    for (Mutant m : mutants) {
                        if (!wanted(m)) {
                            continue;
                        }
                        int failed = 0;
                        double slowest = 0;
                        for (int r = 1; r <= RUNS; r++) {
                            KernelClient.Execution defined = client.execute(m.code(), CELL);
                            assertEquals("ok", defined.status(), id + " " + m.name() + " is not valid code:\n" + NotebookExercises.traceback(defined));
                            long t0 = System.nanoTime();
                            KernelClient.Execution test = client.execute(cell.source(), CELL);
                            slowest = Math.max(slowest, (System.nanoTime() - t0) / 1e9);
                            awaitNoWorkers(client);
                            String said = test.stdout() + NotebookExercises.traceback(test);
                            if (test.status().equals("error") && Arrays.stream(m.fails().split(" \\| ")).anyMatch(said::contains)) {
                                failed++;
                            } else {
                                problems.add(id + " " + m.name() + " run " + r + ": " + test.status()
                                        + " (expected an error saying '" + m.fails() + "'):\n" + said);
                            }
                        }
                        checked++;
                        String figure = String.format("%s %-36s failed %d of %d runs, slowest %.1f s, load %.1f%n", id, m.name(),
                                failed, RUNS, slowest, ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
                        System.out.print(figure); // as it goes: a run of 20 each takes a while
                        figures.append(figure);
                    }
                    solutions.forEach(s -> ok(client, id + " reference solution " + s.id(), s.source()));
                    solutions.clear();
                    KernelClient.Execution reference = client.execute(cell.source(), CELL);
                    Matcher summary = SUMMARY.matcher(reference.stdout());
                    if (!reference.status().equals("ok") || !summary.find() || Integer.parseInt(summary.group(1)) < 1
                            || !summary.group(2).equals("0")) {
                        problems.add(id + " reference solution failed:\n" + reference.stdout() + NotebookExercises.traceback(reference));
                    }
                }
            }
        } finally {
            try (var files = Files.list(students)) {
                for (Path p : files.toList()) {
                    Files.delete(p);
                }
            }
            Files.delete(students);
        }
        assertTrue(checked > 0, "no mutant ran (mutants.only=" + ONLY + ")");
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n\n", problems) + "\n" + figures);

        // 01's deadlock demo and its %threads report, in a kernel of its own: the mutants above leave deadlocked
        // threads of their own, which the report would name too.
        try (KernelProcess kernel = KernelProcess.start(Map.of(), NotebookExercises.newestJava());
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            for (Cell cell : NotebookExercises.cells(REPO.resolve("notebooks/01-threads.ipynb"), DEADLOCK)) {
                if (DEADLOCK.contains(cell.id())) {
                    KernelClient.Execution run = ok(client, "01-threads " + cell.id(), cell.source());
                    if (cell.id().equals("nb01-deadlock-report")) {
                        assertTrue(run.stdout().contains("first holds lockA and waits for lockB, which second holds"), run.stdout());
                    }
                }
            }
        }
    }

    /**
     * Until the workers of the pools the last test closed have ended: close() asks them to end and returns, and
     * until they have, they count towards the session's worker limit (THREADBOOK_MAX_WORKERS), so the next test's
     * pool could be refused on a loaded machine.
     */
    private static void awaitNoWorkers(KernelClient client) {
        Poll.until(Duration.ofSeconds(60), "the closed pools' workers ended", () -> client.execute("%workers").stdout(),
                list -> list.lines().noneMatch(line -> line.startsWith("worker ")));
    }

    private static KernelClient.Execution ok(KernelClient client, String what, String code) {
        KernelClient.Execution run = client.execute(code, CELL);
        assertEquals("ok", run.status(), what + " failed:\n" + run.stdout() + NotebookExercises.traceback(run));
        return run;
    }
}
