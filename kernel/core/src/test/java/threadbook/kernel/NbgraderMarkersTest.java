package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import threadbook.client.Command;
import threadbook.client.InstalledKernel;

/**
 * nbgrader takes its markers from any line of any cell, Markdown included: a text that quotes one stops
 * `nbgrader generate_assignment` ("no end solution statement found"). nbgrader_source.py --check says so; here it
 * passes the shipped notebooks and names the cell of one that quotes a marker. NbgraderIT runs nbgrader itself.
 */
class NbgraderMarkersTest {
    private final Path repo = InstalledKernel.REPO;

    private Command.Result check(String... notebooks) throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of("python3", "notebooks/tools/nbgrader_source.py", "--check"));
        command.addAll(List.of(notebooks));
        return Command.run(command, Map.of(), 60, repo);
    }

    @Test
    void theShippedNotebooksHaveMarkersOnlyInSolutionCells() throws Exception {
        Command.Result r = check();
        assertEquals(0, r.code(), r.output());
        assertTrue(r.output().contains("5 notebooks checked"), r.output());
    }

    @Test
    void aMarkerInATextIsFoundAndItsCellNamed(@TempDir Path dir) throws Exception {
        Path notebook = dir.resolve("quoting.ipynb");
        Files.writeString(notebook, """
                {"cells": [
                  {"cell_type": "markdown", "id": "intro", "metadata": {}, "source": ["Write between `// BEGIN SOLUTION` and `// END SOLUTION`."]},
                  {"cell_type": "code", "id": "tests", "metadata": {}, "execution_count": null, "outputs": [],
                   "source": ["%%test\\n", "// BEGIN HIDDEN TESTS\\n", "// END HIDDEN TESTS"]},
                  {"cell_type": "code", "id": "open", "metadata": {}, "execution_count": null, "outputs": [],
                   "source": ["// BEGIN SOLUTION\\n", "int x = 1;"]}
                ], "metadata": {}, "nbformat": 4, "nbformat_minor": 5}
                """);
        Command.Result r = check(notebook.toString());
        assertEquals(1, r.code(), r.output());
        assertTrue(r.output().contains("cell 1 (intro): the markdown text contains 'BEGIN SOLUTION'"), r.output());
        assertTrue(r.output().contains("cell 2 (tests): 'BEGIN HIDDEN TESTS' is an nbgrader marker"), r.output());
        assertTrue(r.output().contains("cell 3 (open): a '// BEGIN SOLUTION' has no '// END SOLUTION'"), r.output());
    }
}
