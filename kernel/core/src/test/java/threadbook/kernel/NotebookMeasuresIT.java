package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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
 * {@link NbvalRun}; CourseToolsIT runs the other notebooks the same way); and 01's race, which needs idle cores too.
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
}
