package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.regex.Pattern;
import threadbook.client.Command;
import threadbook.client.Command.Result;
import threadbook.client.InstalledKernel;

/**
 * nbval reruns notebooks, strict, and compares every output not tagged nbval-ignore-output after
 * notebooks/nbval-sanitize.cfg; on that same run, check_notebooks.py checks each example the notebooks hold (its
 * lines in order and its measured times): one run of each notebook for both. The suite runs the notebooks whose
 * examples measure a speed-up on the machine's cores in {@link NotebookMeasuresIT}, alone, and the others in
 * {@link CourseToolsIT}, beside other tests.
 */
final class NbvalRun {
    /** The notebooks whose measurements (a CPU-bound speed-up, JVMs started against a bound) need idle cores. */
    static final List<String> MEASURING_CORES = List.of("02-processes.ipynb", "05-when-to-use-what.ipynb");
    /** nbval's plugin (nbval_outputs.py) and check_notebooks.py. */
    private static final Path TESTS = InstalledKernel.REPO.resolve("kernel/core/src/test/python");

    private NbvalRun() {
    }

    /** Every notebook of notebooks/, by file name, in order. */
    static List<String> allNotebooks() throws Exception {
        try (var files = Files.list(InstalledKernel.REPO.resolve("notebooks"))) {
            return files.map(p -> p.getFileName().toString()).filter(p -> p.endsWith(".ipynb")).sorted().toList();
        }
    }

    /**
     * Runs each group of notebooks (file names in notebooks/) with nbval on the kernel {@code installed}: a group's
     * notebooks one after the other in one pytest, the groups at once (notebooks that mostly wait leave the cores to
     * each other). Then checks every notebook on that run; what needs idle cores (W2's race) only when
     * {@code idleCores} (no other test running beside).
     */
    static void runAndCheck(InstalledKernel installed, String python, Path work, Collection<List<String>> groups,
                            boolean idleCores) throws Exception {
        Path executed = Files.createDirectories(work.resolve("executed"));
        List<String> all = groups.stream().flatMap(List::stream).toList();
        ExecutorService pool = Executors.newFixedThreadPool(groups.size());
        try {
            List<Future<Result>> runs = new ArrayList<>();
            for (List<String> group : groups) {
                runs.add(pool.submit(() -> runNbval(installed, python, work, executed, group)));
            }
            for (Future<Result> run : runs) {
                Result r = run.get();
                assertEquals(0, r.code(), r.output());
                assertTrue(Pattern.compile("(?m)^=+ \\d+ passed").matcher(r.output()).find(), r.output());
            }
        } finally {
            pool.shutdownNow();
        }

        List<String> check = new ArrayList<>(List.of(python, TESTS.resolve("check_notebooks.py").toString(),
                "--executed", executed.toString(), "--only", String.join(",", all)));
        if (!idleCores) {
            check.add("--cores-shared");
        }
        Result examples = run(installed, work, Map.of(), 300, check);
        assertEquals(0, examples.code(), "the examples as nbval ran them:\n" + examples.output());
        assertTrue(Pattern.compile("(?m)^[1-9]\\d* passed, 0 failed$").matcher(examples.output()).find(), examples.output());
    }

    /** One pytest with nbval over {@code notebooks}, saving what each notebook showed in {@code executed}. */
    private static Result runNbval(InstalledKernel installed, String python, Path work, Path executed, List<String> notebooks)
            throws Exception {
        Path repo = InstalledKernel.REPO;
        List<String> command = new ArrayList<>(List.of(python, "-m", "pytest", "-p", "no:cacheprovider", "-p", "nbval_outputs",
                "--nbval", "--nbval-sanitize-with", repo.resolve("notebooks/nbval-sanitize.cfg").toString(),
                "--nbval-kernel-name", installed.name, "--nbval-cell-timeout", "300"));
        for (String name : notebooks) {
            Path notebook = repo.resolve("notebooks").resolve(name);
            assertTrue(Files.isRegularFile(notebook), "no notebook " + notebook);
            command.add(notebook.toString());
        }
        long began = System.nanoTime();
        Result r = run(installed, work, Map.of("PYTHONPATH", TESTS.toString(),
                "NBVAL_OUTPUTS", executed.toString()), 1200, command);
        System.out.printf("nbval on %s: %.0f s%n", notebooks, (System.nanoTime() - began) / 1e9);
        return r;
    }

    /** Runs a course tool against the kernel {@code installed} in {@code work}, unbuffered, and prints what it said. */
    static Result run(InstalledKernel installed, Path work, Map<String, String> env, int seconds, List<String> command)
            throws Exception {
        Map<String, String> all = new HashMap<>(env);
        all.put("PYTHONUNBUFFERED", "1");
        Result r = Command.run(command, installed.env(all), seconds, work);
        System.out.println(String.join(" ", command) + "\n" + r.output());
        return r;
    }
}
