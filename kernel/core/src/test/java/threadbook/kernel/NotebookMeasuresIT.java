package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import threadbook.client.InstalledKernel;
import threadbook.client.JupyterEnv;

/**
 * nbval's run of the notebooks that measure a speed-up on the machine's cores (02's worker processes, 05's thread
 * per core), and check_notebooks.py's checks of their examples on it, with no other test running beside them (see
 * {@link NbvalRun}; CourseToolsIT runs the other notebooks the same way).
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
                List.of(NbvalRun.MEASURING_CORES));  // one group: one notebook at a time, on idle cores
    }
}
