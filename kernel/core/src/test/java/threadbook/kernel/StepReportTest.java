package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StepReportTest {
    @Test
    void failuresGoToTheStepTheyFollowAndEveryStepIsListed() {
        String output = String.join("\n",
                "[   0.3 s] JupyterLab 4.6.4",
                "[   2.5 s] FAIL the JupyterLab server knows the kernelspec: it knows only []",
                "[   5.4 s] STEP scratch notebook",
                "[   9.0 s] PASS first Tab",
                "[  12.1 s] STEP debugger",
                "[  40.0 s] FAIL debugger: the step itself: TimeoutError: timed out",
                "[  41.0 s] STEP 05-when-to-use-what.ipynb",
                "FAIL  W1: a CPU-bound job speeds up with a thread per core (no GIL): 0.99 x",
                "PASS  W1: a virtual thread starts in well under a millisecond",
                "FIGURE JupyterLab server start 2.2 s",
                "1 passed, 3 failed");
        Map<String, List<String>> steps = StepReport.of(output);
        assertEquals(List.of(StepReport.START, "scratch notebook", "debugger", "05-when-to-use-what.ipynb"),
                List.copyOf(steps.keySet()));
        assertEquals(List.of("the JupyterLab server knows the kernelspec: it knows only []"), steps.get(StepReport.START));
        assertEquals(List.of(), steps.get("scratch notebook"));
        assertEquals(List.of("debugger: the step itself: TimeoutError: timed out"), steps.get("debugger"));
        assertEquals(List.of("W1: a CPU-bound job speeds up with a thread per core (no GIL): 0.99 x"),
                steps.get("05-when-to-use-what.ipynb"));
    }

    @Test
    void eachStepNamesTheMavenPropertiesThatRunItAlone() {
        assertEquals("-Dit.test=JupyterLabIT -Djupyterlab.steps=debugger", StepReport.rerun("debugger"));
        assertEquals("-Dit.test=JupyterLabIT -Djupyterlab.steps=notebooks -Djupyterlab.notebooks=03-async.ipynb",
                StepReport.rerun("03-async.ipynb"));
    }
}
