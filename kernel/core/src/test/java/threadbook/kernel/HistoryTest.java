package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class HistoryTest {
    private History history;

    @BeforeEach
    void fill() {
        history = new History();
        history.add(1, "int x = 1;");
        history.add(2, "x + 1");
        history.setOutput(2, "2");
        history.add(3, "System.out.println(x);");
        history.add(4, "x + 1");
        history.setOutput(4, "2");
        history.add(5, "var list = List.of(1, 2);");
    }

    private static JsonArray json(String text) {
        return JsonParser.parseString(text).getAsJsonArray();
    }

    @Test
    void tailGivesTheLastNCells() {
        assertEquals(json("[[1, 4, \"x + 1\"], [1, 5, \"var list = List.of(1, 2);\"]]"), history.tail(2, false));
        assertEquals(5, history.tail(100, false).size());
        assertEquals(0, history.tail(0, false).size());
    }

    @Test
    void tailWithOutputGivesInputOutputPairs() {
        JsonArray rows = history.tail(2, true);
        assertEquals(2, rows.size());
        JsonArray withOutput = rows.get(0).getAsJsonArray();
        assertEquals(History.SESSION, withOutput.get(0).getAsInt());
        assertEquals(4, withOutput.get(1).getAsInt());
        assertEquals(json("[\"x + 1\", \"2\"]"), withOutput.get(2).getAsJsonArray());

        JsonArray noOutput = rows.get(1).getAsJsonArray().get(2).getAsJsonArray();
        assertEquals("var list = List.of(1, 2);", noOutput.get(0).getAsString());
        assertEquals(JsonNull.INSTANCE, noOutput.get(1));
    }

    @Test
    void rangeIsStartInclusiveStopExclusive() {
        assertEquals(json("[[1, 2, \"x + 1\"], [1, 3, \"System.out.println(x);\"]]"),
                history.range(History.SESSION, 2, 4, false));
    }

    @Test
    void rangeWithStopZeroGoesToTheEnd() {
        JsonArray rows = history.range(0, 4, 0, false);
        assertEquals(2, rows.size());
        assertEquals(4, rows.get(0).getAsJsonArray().get(1).getAsInt());
        assertEquals(5, rows.get(1).getAsJsonArray().get(1).getAsInt());
    }

    @Test
    void rangeOfAnotherSessionIsEmpty() {
        assertEquals(0, history.range(History.SESSION + 1, 1, 0, false).size());
    }

    @Test
    void searchGlobWithStar() {
        JsonArray rows = history.search("x*", 0, false, false);
        assertEquals(json("[[1, 2, \"x + 1\"], [1, 4, \"x + 1\"]]"), rows);
        // The glob must match the whole input, not a part of it.
        assertEquals(0, history.search("println", 0, false, false).size());
        assertEquals(1, history.search("*println*", 0, false, false).size());
    }

    @Test
    void searchGlobWithQuestionMark() {
        assertEquals(2, history.search("x ? 1", 0, false, false).size());
        assertEquals(0, history.search("x ? 1?", 0, false, false).size());
        assertEquals(1, history.search("int ? = 1;", 0, false, false).size());
    }

    @Test
    void searchTreatsRegexCharactersLiterally() {
        assertEquals(1, history.search("var list = List.of(1, 2);", 0, false, false).size());
        assertEquals(0, history.search("var list = List.of(1. 2);", 0, false, false).size());
        assertEquals(1, history.search("*(x)*", 0, false, false).size());
    }

    @Test
    void searchMatchesMultiLineCells() {
        history.add(6, "for (int i = 0; i < 3; i++) {\n    System.out.println(i);\n}");
        assertEquals(1, history.search("for*}", 0, false, false).size());
    }

    @Test
    void searchUniqueKeepsTheLatestOfEachInput() {
        JsonArray rows = history.search("*", 0, true, false);
        assertEquals(4, rows.size());
        int lineOfXPlusOne = -1;
        for (var row : rows) {
            JsonArray r = row.getAsJsonArray();
            if (r.get(2).getAsString().equals("x + 1")) {
                assertEquals(-1, lineOfXPlusOne, "x + 1 appears once");
                lineOfXPlusOne = r.get(1).getAsInt();
            }
        }
        assertEquals(4, lineOfXPlusOne);
    }

    @Test
    void searchNKeepsTheLastNMatches() {
        assertEquals(json("[[1, 4, \"x + 1\"], [1, 5, \"var list = List.of(1, 2);\"]]"),
                history.search("*", 2, false, false));
        assertEquals(json("[[1, 4, \"x + 1\"]]"), history.search("x*", 1, false, false));
    }

    @Test
    void searchUniqueAndNTogether() {
        history.add(6, "int x = 1;");
        JsonArray rows = history.search("*", 2, true, false);
        assertEquals(json("[[1, 5, \"var list = List.of(1, 2);\"], [1, 6, \"int x = 1;\"]]"), rows);
    }

    @Test
    void searchWithOutput() {
        JsonArray rows = history.search("x + 1", 1, false, true);
        assertEquals(json("[[1, 4, [\"x + 1\", \"2\"]]]"), rows);
    }

    @Test
    void setOutputOfUnknownLineChangesNothing() {
        history.setOutput(42, "ignored");
        for (var row : history.tail(10, true)) {
            JsonArray pair = row.getAsJsonArray().get(2).getAsJsonArray();
            assertTrue(pair.get(1).isJsonNull() || pair.get(1).getAsString().equals("2"));
        }
    }
}
