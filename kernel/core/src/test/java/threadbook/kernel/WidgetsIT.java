package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static threadbook.client.CommFrontend.content;
import static threadbook.client.CommFrontend.isCommMsg;
import static threadbook.client.CommFrontend.isOpenOf;
import static threadbook.client.CommFrontend.isUpdate;
import static threadbook.client.CommFrontend.state;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernelWithFrontend;
import threadbook.protocol.Message;

/**
 * The Jupyter widget protocol (2.1) over real ZeroMQ, this test acting as the frontend's widget manager:
 * widgets opened by a cell, updates from the frontend reaching Java listeners with their echo, binary
 * buffers both ways, comm_info, the control comm's request of all states, clicks, interact, close.
 */
class WidgetsIT extends SharedKernelWithFrontend {
    private static boolean isStdout(Message m, String text) {
        return m.type().equals("stream") && m.contentString("text", "").contains(text);
    }

    /** Runs a cell; returns the model id it prints (its last line). */
    private String modelIdOf(String code) {
        KernelClient.Execution e = frontend.run(code + "\nSystem.out.println(w.modelId());");
        String[] lines = e.stdout().strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    @Test
    void aSliderSyncsBothWaysWithItsEchoAndShowsAsAWidgetView() {
        String cell = client.executeAsync("var slider = new IntSlider(\"n\", 0, 10, 3);\n"
                + "slider.observe(\"value\", c -> System.out.println(\"listener got \" + c.newValue()"
                + " + \" on \" + Thread.currentThread().getName()));\nslider");
        Message open = frontend.await("the slider's comm_open", m -> isOpenOf(m, "IntSliderModel"));
        assertEquals("jupyter.widget", open.contentString("target_name", ""));
        assertEquals("2.1.0", open.metadata().get("version").getAsString(), "the protocol version is in the metadata");
        assertEquals(cell, KernelClient.parentId(open));
        JsonObject opened = state(open);
        assertEquals(3, opened.get("value").getAsInt());
        assertEquals("@jupyter-widgets/controls", opened.get("_model_module").getAsString());
        assertTrue(opened.get("layout").getAsString().startsWith("IPY_MODEL_"), opened.toString());
        String id = open.contentString("comm_id", "");
        Message result = frontend.await("the slider as the cell's value", m -> m.type().equals("execute_result")
                && KernelClient.parentId(m).equals(cell));
        JsonObject view = result.content().getAsJsonObject("data").getAsJsonObject("application/vnd.jupyter.widget-view+json");
        assertEquals(id, view.get("model_id").getAsString(), "the view's data is a JSON object naming the model");
        assertEquals(2, view.get("version_major").getAsInt());

        String request = frontend.update(id, "{\"value\": 7}", List.of(), "[]");
        Message echo = frontend.await("the echo_update", m -> isCommMsg(m, id, "echo_update"));
        assertEquals(request, KernelClient.parentId(echo), "the echo answers the frontend's update (ipywidgets 8 matches them by it)");
        assertEquals(7, state(echo).get("value").getAsInt());
        Message printed = frontend.await("the listener's line", m -> isStdout(m, "listener got 7"));
        assertEquals(cell, KernelClient.parentId(printed), "the listener prints into the cell that registered it");
        assertTrue(printed.contentString("text", "").contains("threadbook-comms"), "it ran in the notebook's Java session: " + printed.content());
        assertEquals("7", frontend.run("slider.getValue()").result());

        frontend.run("slider.setValue(9);");
        Message fromJava = frontend.await("the update from Java", m -> isUpdate(m, id));
        assertEquals(9, state(fromJava).get("value").getAsInt());

        JsonObject ask = new JsonObject();
        ask.addProperty("method", "request_state");
        frontend.send("comm_msg", content(id, ask));
        Message full = frontend.await("the whole state", m -> isUpdate(m, id) && state(m).has("_model_name"));
        assertEquals(9, state(full).get("value").getAsInt());
    }

    @Test
    void aValueAListenerSetsWhileTheFrontendsChangeIsAppliedGoesBack() {
        String id = modelIdOf("var w = new IntSlider(\"even\", 0, 10, 0);\n"
                + "w.observe(\"value\", c -> w.setValue((Integer) c.newValue() / 2 * 2));");
        frontend.update(id, "{\"value\": 7}", List.of(), "[]");
        Message fixed = frontend.await("the listener's value sent back", m -> isUpdate(m, id));
        assertEquals(6, state(fixed).get("value").getAsInt(), "the frontend's 7 is not sent back to it, the listener's 6 is");
        assertEquals("6", frontend.run("w.getValue()").result());
    }

    @Test
    void binaryBuffersGoBothWays() {
        String id = modelIdOf("var w = new IntSlider();\nw.observe(\"blob\", c -> System.out.println(\"got bytes \""
                + " + Arrays.toString((byte[]) c.newValue())));\nw.set(\"blob\", new byte[] {1, 2, (byte) 255});");
        Message sent = frontend.await("the update with a buffer", m -> isUpdate(m, id));
        JsonObject data = sent.content().getAsJsonObject("data");
        assertEquals("[[\"blob\"]]", data.get("buffer_paths").toString());
        assertFalse(data.getAsJsonObject("state").has("blob"), "a binary value travels as a buffer, not in the JSON");
        assertArrayEquals(new byte[] {1, 2, (byte) 255}, sent.buffers().get(0));

        frontend.update(id, "{}", List.of(new byte[] {4, 5}), "[[\"blob\"]]");
        frontend.await("the listener's bytes", m -> isStdout(m, "got bytes [4, 5]"));
    }

    @Test
    void commInfoListsOpenCommsByTargetAndCloseWorksBothWays() {
        String id = modelIdOf("var w = new Label(\"hello\");");
        assertTrue(commInfo("jupyter.widget").has(id));
        assertFalse(commInfo("no.such.target").has(id), "only the target asked for");
        frontend.send("comm_close", content(id, new JsonObject()));
        assertFalse(commInfo("jupyter.widget").has(id), "closed by the frontend");

        String other = modelIdOf("var w = new HTML(\"<b>x</b>\");");
        frontend.run("w.close();");
        Message closed = frontend.await("the comm_close", m -> m.type().equals("comm_close") && m.contentString("comm_id", "").equals(other));
        assertTrue(closed.content().has("data"));
        assertFalse(commInfo("").has(other), "closed by Java");

        // A target the session does not have: closed at once, as ipykernel does.
        frontend.send("comm_open", openContent("unknown-1", "no.such.target"));
        frontend.await("the close of an unknown target's comm", m -> m.type().equals("comm_close")
                && m.contentString("comm_id", "").equals("unknown-1"));
        assertFalse(commInfo("").has("unknown-1"));
    }

    @Test
    void aNewJavaSessionClosesTheCommsOfTheLastOne() {
        String id = modelIdOf("var w = new Label(\"of the first session\");");
        frontend.keep(client.execute("System.exit(0);", WAIT).iopub()); // the kernel starts a new Java session
        frontend.run("1 + 1");
        frontend.await("the old session's comm closed", m -> m.type().equals("comm_close") && m.contentString("comm_id", "").equals(id));
        assertFalse(commInfo("jupyter.widget").has(id));
    }

    private JsonObject commInfo(String target) {
        JsonObject c = new JsonObject();
        if (!target.isEmpty()) {
            c.addProperty("target_name", target);
        }
        Message reply = client.reply(client.shell, client.send(client.shell, "comm_info_request", c), WAIT);
        assertEquals("ok", reply.contentString("status", ""));
        return reply.content().getAsJsonObject("comms");
    }

    private static JsonObject openContent(String commId, String target) {
        JsonObject c = content(commId, new JsonObject());
        c.addProperty("target_name", target);
        return c;
    }

    @Test
    void theControlCommSendsEveryWidgetsState() {
        String id = modelIdOf("var w = new Checkbox(\"on\", true);");
        frontend.send("comm_open", openContent("control-1", "jupyter.widget.control"));
        JsonObject ask = new JsonObject();
        ask.addProperty("method", "request_states");
        String request = frontend.send("comm_msg", content("control-1", ask));
        Message states = frontend.await("update_states", m -> isCommMsg(m, "control-1", "update_states"));
        assertEquals(request, KernelClient.parentId(states));
        JsonObject mine = states.content().getAsJsonObject("data").getAsJsonObject("states").getAsJsonObject(id);
        assertEquals("CheckboxModel", mine.get("model_name").getAsString());
        assertTrue(mine.getAsJsonObject("state").get("value").getAsBoolean());
    }

    @Test
    void aClickRunsTheButtonsListenerAndAListenerThatThrowsBreaksNothing() {
        String id = modelIdOf("var w = new Button(\"Go\");\nint[] clicks = {0};\n"
                + "w.onClick(b -> { if (clicks[0]++ == 0) throw new AssertionError(\"first click fails\"); });\n"
                + "w.onClick(b -> System.out.println(\"clicked \" + b.getDescription() + \" \" + clicks[0]));");
        JsonObject click = new JsonObject();
        click.addProperty("method", "custom");
        JsonObject event = new JsonObject();
        event.addProperty("event", "click");
        click.add("content", event);
        frontend.send("comm_msg", content(id, click));
        frontend.await("the failed listener's error", m -> m.type().equals("stream") && m.contentString("text", "").contains("first click fails"));
        frontend.await("the next listener's line", m -> isStdout(m, "clicked Go 1"));
        frontend.send("comm_msg", content(id, click));
        frontend.await("the second click's line", m -> isStdout(m, "clicked Go 2"));
    }

    @Test
    void interactRunsAgainOnAChangeWithItsOutputInItsOutputWidget() {
        KernelClient.Execution e = frontend.run("var n = new IntSlider(\"n\", 1, 10, 2);\n"
                + "var it = interactive(k -> System.out.println(\"squared \" + k * k), n);\n"
                + "System.out.println(n.modelId() + \" \" + it.output().modelId());");
        String[] ids = e.stdout().strip().split(" ");
        frontend.await("the first run's output", m -> isOutputs(m, ids[1], "squared 4"));
        frontend.update(ids[0], "{\"value\": 5}", List.of(), "[]");
        frontend.await("the output of the run the change started", m -> isOutputs(m, ids[1], "squared 25"));
    }

    @Test
    void aNewValueInterruptsTheRunStillGoingAndItsRunReplacesTheOutput() {
        KernelClient.Execution e = frontend.run("var slow = new IntSlider(\"slow\", 1, 10, 2);\n"
                + "var it = interactive(k -> { System.out.println(\"started \" + k);"
                + " try { Thread.sleep(600_000); } catch (InterruptedException x) { System.out.println(\"interrupted \" + k); } }, slow);\n"
                + "System.out.println(slow.modelId() + \" \" + it.output().modelId());");
        String[] ids = e.stdout().strip().split(" ");
        frontend.await("the first run started", m -> isOutputs(m, ids[1], "started 2"));
        frontend.update(ids[0], "{\"value\": 5}", List.of(), "[]");
        frontend.await("the first run interrupted", m -> isOutputs(m, ids[1], "interrupted 2"));
        Message second = frontend.await("the second run", m -> isOutputs(m, ids[1], "started 5"));
        String outputs = state(second).get("outputs").toString();
        assertFalse(outputs.contains("started 2") || outputs.contains("interrupted 2"), "the first run's output is gone: " + outputs);
        frontend.run("it.close();"); // ends the second run's sleep
    }

    @Test
    void threadsStartedInsideAnOutputPrintIntoIt() {
        KernelClient.Execution e = frontend.run("var out = new Output();\n"
                + "out.capture(() -> new Thread(() -> { try { Thread.sleep(300); } catch (InterruptedException x) { }"
                + " System.out.println(\"late line from a thread\"); }).start());\n"
                + "System.out.println(out.modelId());");
        String id = e.stdout().strip();
        frontend.await("the thread's line in the Output widget", m -> isOutputs(m, id, "late line from a thread"));
        assertFalse(e.stdout().contains("late line"), "not in the cell");
    }

    @Test
    void workerProcessesAndDisplayUpdatesLandInTheOutputTheyRanIn() {
        KernelClient.Execution e = frontend.run("var out = new Output();\n"
                + "try (var pool = new WorkerPool(1)) {\n"
                + "    out.capture(() -> pool.map(i -> { System.out.println(\"from worker \" + i); return i; }, List.of(7)));\n"
                + "}\n"
                + "out.capture(() -> { var h = displayHandle(\"step 1\"); h.update(\"step 2\"); });\n"
                + "System.out.println(out.modelId());");
        String id = e.stdout().strip();
        assertFalse(e.stdout().contains("from worker"), "not in the cell: " + e.stdout());
        frontend.await("the worker's line in the Output widget", m -> isOutputs(m, id, "from worker 7"));
        Message updated = frontend.await("the display updated in place", m -> isOutputs(m, id, "step 2"));
        String outputs = state(updated).get("outputs").toString();
        assertFalse(outputs.contains("step 1"), "replaced, not added: " + outputs);
    }

    private static boolean isOutputs(Message m, String outputId, String text) {
        if (!isUpdate(m, outputId)) {
            return false;
        }
        JsonArray outputs = state(m).getAsJsonArray("outputs");
        return outputs != null && outputs.toString().contains(text);
    }
}
