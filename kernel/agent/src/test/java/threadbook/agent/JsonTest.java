package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class JsonTest {

    @Test
    void widgetStateRoundTrips() {
        Map<String, Object> state = new LinkedHashMap<>();
        state.put("_model_name", "IntSliderModel");
        state.put("value", 42L);
        state.put("step", 0.25);
        state.put("whole", 3.0);
        state.put("disabled", false);
        state.put("tooltip", null);
        state.put("children", new ArrayList<>(List.of("IPY_MODEL_a", "IPY_MODEL_b")));
        state.put("description", "quote \" back\\slash \n tab\t ctrl\u0001 ünï 😀");
        state.put("nested", new LinkedHashMap<>(Map.of("k", new ArrayList<>(List.of(1L, -2L)))));
        String text = Json.write(state);
        assertEquals(state, Json.parse(text));
        assertEquals(3.0, Json.parse(Json.write(3.0)), "a double stays a double");
    }

    @Test
    void readsWhatBrowsersAndGsonWrite() {
        Map<String, Object> m = Json.parseObject(" { \"method\" : \"update\", \"state\": {\"value\": [2, 7.5e1]},"
                + " \"buffer_paths\": [], \"u\": \"\\u00e9\\/\", \"big\": 12345678901234567890, \"n\": -0.5 } ");
        assertEquals("update", m.get("method"));
        assertEquals(Map.of("value", Arrays.asList(2L, 75.0)), m.get("state"));
        assertEquals(List.of(), m.get("buffer_paths"));
        assertEquals("é/", m.get("u"));
        assertEquals(1.2345678901234567e19, (Double) m.get("big"), 1e5);
        assertEquals(-0.5, m.get("n"));
        assertNull(Json.parse("null"));
        assertEquals("null", Json.write(Double.NaN), "JSON has no NaN: written as null, as JSON.stringify does");
    }

    @Test
    void malformedTextSaysWhere() {
        for (String bad : new String[] {"{", "{\"a\" 1}", "[1,]", "\"open", "tru", "{} x", "-", "\"\\u12\""}) {
            Json.ParseException e = assertThrows(Json.ParseException.class, () -> Json.parse(bad), bad);
            assertEquals(true, e.getMessage().startsWith("bad JSON at character "), e.getMessage());
        }
    }
}
