package threadbook.kernel;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The failed checks of a src/test/python/jupyterlab_run.py run, step by step: its "STEP name" lines start a step,
 * its "FAIL ..." lines are that step's failures ("the run's start" before the first step).
 */
final class StepReport {
    static final String START = "the run's start";
    private static final Pattern STEP = Pattern.compile("^\\[[\\s\\d.]+ s\\] STEP (.+)$");
    private static final Pattern FAIL = Pattern.compile("^(?:\\[[\\s\\d.]+ s\\] )?FAIL\\s+(.+)$");

    private StepReport() {
    }

    /** Step name -> its failed checks, in the run's order; every step that began is there. */
    static Map<String, List<String>> of(String output) {
        Map<String, List<String>> steps = new LinkedHashMap<>();
        String current = START;
        steps.put(current, new ArrayList<>());
        for (String line : output.split("\\R")) {
            Matcher step = STEP.matcher(line);
            Matcher fail = FAIL.matcher(line);
            if (step.matches()) {
                current = step.group(1).trim();
                steps.putIfAbsent(current, new ArrayList<>());
            } else if (fail.matches()) {
                steps.get(current).add(fail.group(1));
            }
        }
        return steps;
    }

    /** The Maven properties that run the step alone (with what it needs: Notebook 7 runs a notebook first). */
    static String rerun(String step) {
        String properties = switch (step) {
            case "scratch notebook" -> "-Djupyterlab.steps=scratch";
            case "debugger" -> "-Djupyterlab.steps=debugger";
            case "untrusted notebooks" -> "-Djupyterlab.steps=notebooks,untrusted";
            case "Notebook 7" -> "-Djupyterlab.steps=notebooks,notebook7 -Djupyterlab.notebooks=01-threads.ipynb";
            case "the catalogue" -> "-Djupyterlab.steps=notebooks";
            default -> step.endsWith(".ipynb") ? "-Djupyterlab.steps=notebooks -Djupyterlab.notebooks=" + step : "";
        };
        return "-Dit.test=JupyterLabIT " + properties;
    }
}
