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
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import threadbook.client.KernelClient;

/** The cells of a notebook that tests run on their own (the exercises' for MutantsIT), and the JDK they need. */
final class NotebookExercises {
    private NotebookExercises() {}

    record Cell(String id, String source) {
        boolean isTest() {
            return source.startsWith("%%test");
        }
    }

    /** The code cells to run, in order: those the exercises need, then every code cell from "## Exercises" on. */
    static List<Cell> cells(Path notebook, List<String> needed) throws Exception {
        List<Cell> chosen = new ArrayList<>();
        List<Cell> exercises = new ArrayList<>();
        boolean inExercises = false;
        for (JsonObject c : all(notebook)) {
            String text = source(c);
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

    /** The code cell {@code id} of a notebook. */
    static Cell cell(Path notebook, String id) throws Exception {
        for (JsonObject c : all(notebook)) {
            if (c.get("cell_type").getAsString().equals("code") && c.get("id").getAsString().equals(id)) {
                return new Cell(id, source(c));
            }
        }
        throw new AssertionError(notebook + " has no code cell " + id);
    }

    private static List<JsonObject> all(Path notebook) throws Exception {
        JsonObject nb = JsonParser.parseString(Files.readString(notebook, StandardCharsets.UTF_8)).getAsJsonObject();
        List<JsonObject> cells = new ArrayList<>();
        nb.getAsJsonArray("cells").forEach(e -> cells.add(e.getAsJsonObject()));
        return cells;
    }

    private static String source(JsonObject cell) {
        StringBuilder source = new StringBuilder();
        for (JsonElement line : cell.getAsJsonArray("source")) {
            source.append(line.getAsString());
        }
        return source.toString();
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

}
