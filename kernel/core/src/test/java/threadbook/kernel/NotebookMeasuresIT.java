package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;

/**
 * nbval's run of the notebooks that measure a speed-up on the machine's cores (02's worker processes, 05's thread
 * per core), and check_notebooks.py's checks of their examples on it, with no other test running beside them (see
 * {@link NbvalRun}; CourseToolsIT runs the other notebooks the same way); and the cells of the other notebooks
 * whose point needs idle cores too: 01's race, 04's R1 time.
 */
@Tag("quiet")
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class NotebookMeasuresIT {
    private InstalledKernel installed;
    private Path work;

    @BeforeAll
    void install() throws Exception {
        work = Files.createTempDirectory("threadbook-measures");
        installed = InstalledKernel.onNewestJdkWithoutArchive("threadbook-measures"); // the notebooks need Java 21+
    }

    @AfterAll
    void uninstall() throws Exception {
        if (installed != null) {
            installed.close();
        }
        InstalledKernel.delete(work);
    }

    @Test
    void nbvalRerunsTheNotebooksThatMeasureTheCoresAndEveryExampleShowsWhatItMust() throws Exception {
        assertTrue(NbvalRun.allNotebooks().containsAll(NbvalRun.MEASURING_CORES),
                "the notebooks " + NbvalRun.MEASURING_CORES + " are in notebooks/: " + NbvalRun.allNotebooks());
        NbvalRun.runAndCheck(installed, JupyterEnv.python(InstalledKernel.REPO).toString(), work,
                List.of(NbvalRun.MEASURING_CORES), true);  // one group: one notebook at a time, on idle cores
    }

    /**
     * 01's W2: four threads that add to a counter with no lock lose updates. A thread does its million additions in
     * about 2 ms, so on cores kept busy by other processes the four may never run at the same time, and all ten runs
     * come out right (measured: with three busy processes beside it, 10 of 10 right even at 10,000,000 additions a
     * thread). CourseToolsIT and JupyterLabIT run 01 beside other tests and so report this check without making it;
     * here the notebook's cell runs on idle cores, where the race shows.
     */
    @Test
    void w2sUnlockedCounterLosesUpdatesOnIdleCores() throws Exception {
        assumeTrue(Runtime.getRuntime().availableProcessors() > 1, "one core: threads never run at the same time");
        NotebookExercises.Cell racy = NotebookExercises.cell(InstalledKernel.REPO.resolve("notebooks/01-threads.ipynb"), "nb01-11");
        try (KernelProcess kernel = KernelProcess.start(); KernelClient c = kernel.client()) {
            c.awaitReady(Duration.ofSeconds(60));
            KernelClient.Execution run = c.execute(racy.source(), Duration.ofSeconds(120));
            assertEquals("ok", run.status(), NotebookExercises.traceback(run));
            Matcher wrong = Pattern.compile("wrong in (\\d+) of 10 runs").matcher(run.stdout());
            assertTrue(wrong.find(), "the cell says how many runs came out wrong:\n" + run.stdout());
            System.out.println("W2 on idle cores: " + wrong.group());
            assertTrue(Integer.parseInt(wrong.group(1)) >= 1, "the unlocked counter lost no update in 10 runs:\n" + run.stdout());
        }
    }

    /**
     * 04's R1: five carts totalled in five worker processes in about 5 s, not 15, and about 10 s in all. Those times
     * include the start of the session's first five worker JVMs, which other busy processes stretch by seconds;
     * CourseToolsIT runs 04 beside other tests and reports the two times without checking them. Here the notebook's
     * cells run, in its order, on idle cores; the bounds are check_notebooks.py's.
     */
    @Test
    void r1TotalsFiveCartsInAboutFiveSecondsOnIdleCores() throws Exception {
        Path notebook = InstalledKernel.REPO.resolve("notebooks/04-real-world.ipynb");
        try (KernelProcess kernel = KernelProcess.start(Map.of(), NotebookExercises.newestJava());
             KernelClient c = kernel.client()) {
            c.awaitReady(Duration.ofSeconds(60));
            String printed = "";
            for (String id : List.of("nb04-02", "nb04-04", "nb04-06", "nb04-08")) {
                KernelClient.Execution run = c.execute(NotebookExercises.cell(notebook, id).source(), Duration.ofSeconds(120));
                assertEquals("ok", run.status(), id + ": " + NotebookExercises.traceback(run));
                printed = run.stdout();
            }
            System.out.println("R1 on idle cores:\n" + printed);
            double computed = seconds(printed, "Calculation done in ([\\d.]+) seconds instead of ~15");
            double elapsed = seconds(printed, "Total elapsed time: ([\\d.]+) seconds, instead of ~30");
            assertTrue(4.95 <= computed && computed < 9.0, "5 carts (1..5 s each) totalled in 5 worker processes in "
                    + computed + " s, expected in [4.95, 9): about 5 s, not 15\n" + printed);
            assertTrue(9.9 <= elapsed && elapsed < 14.0, "R1 took " + elapsed + " s in all, expected in [9.9, 14):"
                    + " about 10 s (the critical path), well under the sequential 30\n" + printed);
        }
    }

    private static double seconds(String printed, String line) {
        Matcher m = Pattern.compile("(?m)^" + line + "$").matcher(printed);
        assertTrue(m.find(), "R1 printed no line like '" + line + "':\n" + printed);
        return Double.parseDouble(m.group(1));
    }
}
