package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.kernel.ExercisesIT.Cell;

/**
 * Typical wrong answers to every exercise fail its %%test cell, every time: a check that passes a wrong answer
 * now and then grades unfairly and teaches the wrong lesson. Each mutant (src/test/resources/threadbook/mutants/
 * N.M/NAME.java) is the code of the student's cell for exercise N.M with one typical mistake; its first line,
 * {@code // fails: TEXT} (or {@code TEXT | OTHER}), is what the test's report must say, so that it fails for the
 * right reason.
 *
 * <p>One kernel for all the notebooks: the cells the exercises need run once, then for each exercise every
 * mutant and its %%test cell, {@code -Dmutants.runs} times (1 in the build; {@code -Dmutants.runs=20} measures
 * that every mutant fails 20 runs out of 20), then the reference solution, which must pass. It prints, per
 * mutant, the runs it failed and its slowest run, with the load average.
 */
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
    void everyWrongAnswerFailsItsTestAndTheReferenceSolutionPasses() throws Exception {
        List<String> problems = new ArrayList<>();
        StringBuilder figures = new StringBuilder();
        int checked = 0;
        try (KernelProcess kernel = KernelProcess.start(Map.of(), ExercisesIT.newestJava());
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            for (String name : NEEDS.keySet().stream().sorted().toList()) {
                String number = String.valueOf(Integer.parseInt(name.substring(0, 2)));
                List<Cell> cells = ExercisesIT.cells(REPO.resolve("notebooks").resolve(name + ".ipynb"), NEEDS.get(name));
                int exercise = 0;
                Cell solution = null;
                for (Cell cell : cells) {
                    if (cell.source().startsWith("%%compare")) {
                        continue; // timings, not checks
                    }
                    if (!cell.isTest()) {
                        KernelClient.Execution run = client.execute(cell.source(), CELL);
                        assertEquals("ok", run.status(), name + " " + cell.id() + ":\n" + run.stdout() + ExercisesIT.traceback(run));
                        solution = cell.source().contains("// BEGIN SOLUTION") ? cell : solution;
                        continue;
                    }
                    String id = number + "." + (++exercise);
                    if (!wanted(id)) {
                        continue;
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
                            assertEquals("ok", defined.status(), id + " " + m.name() + " is not valid code:\n" + ExercisesIT.traceback(defined));
                            long t0 = System.nanoTime();
                            KernelClient.Execution test = client.execute(cell.source(), CELL);
                            slowest = Math.max(slowest, (System.nanoTime() - t0) / 1e9);
                            String said = test.stdout() + ExercisesIT.traceback(test);
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
                    assertTrue(solution != null, id + " has a solution cell before its test");
                    client.execute(solution.source(), CELL);
                    KernelClient.Execution reference = client.execute(cell.source(), CELL);
                    if (!reference.status().equals("ok")) {
                        problems.add(id + " reference solution failed:\n" + reference.stdout() + ExercisesIT.traceback(reference));
                    }
                }
            }
        }
        assertTrue(checked > 0, "no mutant ran (mutants.only=" + ONLY + ")");
        assertTrue(problems.isEmpty(), problems.size() + " problems:\n" + String.join("\n\n", problems) + "\n" + figures);
    }
}
