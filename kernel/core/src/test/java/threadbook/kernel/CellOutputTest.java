package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import threadbook.agent.Event;
import threadbook.protocol.Message;

/** What the agent sends becomes iopub messages under the request of the cell it belongs to. */
class CellOutputTest {
    private final IOPubCapture capture = new IOPubCapture();
    private final CellOutput output = new CellOutput(capture.iopub);

    @AfterEach
    void close() {
        capture.close();
    }

    private static JsonObject header(String msgId) {
        JsonObject h = new JsonObject();
        h.addProperty("msg_id", msgId);
        h.addProperty("msg_type", "execute_request");
        return h;
    }

    @Test
    void printedTextIsAStreamUnderItsCellsRequestAlsoAfterALaterCellStarted() {
        output.register(1, header("request-1"));
        output.register(2, header("request-2"));
        output.accept(new Event.Stream(1, Event.Stream.STDOUT, "from a thread of cell 1\n".getBytes(StandardCharsets.UTF_8)));
        output.accept(new Event.Stream(2, Event.Stream.STDERR, "héllo ✓\n".getBytes(StandardCharsets.UTF_8)));

        Message first = capture.next();
        assertEquals("stream", first.type());
        assertEquals("request-1", first.parentHeader().get("msg_id").getAsString());
        assertEquals("stdout", first.content().get("name").getAsString());
        assertEquals("from a thread of cell 1\n", first.content().get("text").getAsString());
        assertEquals(IOPubCapture.JUPYTER_SESSION, first.header().get("session").getAsString());

        Message second = capture.next();
        assertEquals("request-2", second.parentHeader().get("msg_id").getAsString());
        assertEquals("stderr", second.content().get("name").getAsString());
        assertEquals("héllo ✓\n", second.content().get("text").getAsString(), "UTF-8 arrives intact");
    }

    @Test
    void outputOfACellTheKernelDoesNotKnowGoesUnderTheLatestCell() {
        output.register(7, header("request-7"));
        output.stream(99, "stdout", "from a pool thread\n");
        assertEquals("request-7", capture.next().parentHeader().get("msg_id").getAsString());
    }

    @Test
    void outputBeforeAnyCellHasAnEmptyParentHeader() {
        output.stream(1, "stdout", "early\n");
        Message m = capture.next();
        assertEquals("stream", m.type());
        assertEquals(0, m.parentHeader().size());
    }

    @Test
    void displaysAndUpdatesCarryTheirDisplayId() {
        output.register(3, header("request-3"));
        output.accept(new Event.Display(3, "progress", false, List.of(new String[] {"text/plain", "0%"},
                new String[] {"text/html", "<b>0%</b>"})));
        output.accept(new Event.Display(3, "progress", true, List.<String[]>of(new String[] {"text/plain", "100%"})));
        output.accept(new Event.Display(3, "", false, List.<String[]>of(new String[] {"text/plain", "plain"})));

        Message shown = capture.next();
        assertEquals("display_data", shown.type());
        assertEquals("request-3", shown.parentHeader().get("msg_id").getAsString());
        assertEquals("<b>0%</b>", shown.content().getAsJsonObject("data").get("text/html").getAsString());
        assertEquals("progress", shown.content().getAsJsonObject("transient").get("display_id").getAsString());
        assertEquals(0, shown.content().getAsJsonObject("metadata").size());

        Message updated = capture.next();
        assertEquals("update_display_data", updated.type());
        assertEquals("100%", updated.content().getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals("progress", updated.content().getAsJsonObject("transient").get("display_id").getAsString());

        Message plain = capture.next();
        assertEquals("display_data", plain.type());
        assertFalse(plain.content().getAsJsonObject("transient").has("display_id"), "no id, none in transient");
    }

    @Test
    void aMagicsDisplayCarriesItsMetadata() {
        output.register(4, header("request-4"));
        Map<String, String> bundle = new LinkedHashMap<>();
        bundle.put("image/png", "iVBORw0KGgo=");
        bundle.put("text/plain", "a chart");
        output.display(4, bundle, Map.of("image/png", Map.of("width", 640, "height", 480)));
        Message m = capture.next();
        assertEquals("display_data", m.type());
        assertEquals("a chart", m.content().getAsJsonObject("data").get("text/plain").getAsString());
        JsonObject png = m.content().getAsJsonObject("metadata").getAsJsonObject("image/png");
        assertEquals(640, png.get("width").getAsInt());
        assertEquals(480, png.get("height").getAsInt());
        assertEquals(0, m.content().getAsJsonObject("transient").size());
    }

    @Test
    void clearOutputSaysWhetherToWaitForTheNextOutput() {
        output.register(5, header("request-5"));
        output.accept(new Event.ClearOutput(5, true));
        output.accept(new Event.ClearOutput(5, false));
        Message waiting = capture.next();
        assertEquals("clear_output", waiting.type());
        assertEquals("request-5", waiting.parentHeader().get("msg_id").getAsString());
        assertTrue(waiting.content().get("wait").getAsBoolean());
        assertFalse(capture.next().content().get("wait").getAsBoolean());
    }

    @Test
    void pagesAreKeptForTheCellsReplyAndTakenOnce() {
        output.register(6, header("request-6"));
        output.accept(new Event.Page(6, "first page"));
        output.accept(new Event.Page(6, "second page"));
        output.accept(new Event.Page(8, "another cell's"));
        assertEquals(List.of("first page", "second page"), output.takePages(6));
        assertEquals(List.of(), output.takePages(6), "taken once");
        assertEquals(List.of("another cell's"), output.takePages(8));
        assertTrue(capture.drain(300).isEmpty(), "pages go in the reply, not on iopub");

        var payload = CellOutput.pagePayload(List.of("help text"));
        assertEquals(1, payload.size());
        JsonObject page = payload.get(0).getAsJsonObject();
        assertEquals("page", page.get("source").getAsString());
        assertEquals("help text", page.getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals(0, page.get("start").getAsInt());
    }
}
