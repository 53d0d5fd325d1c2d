package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/**
 * The Jupyter widget protocol (2.1) over real ZeroMQ, this test acting as the frontend's widget manager:
 * widgets opened by a cell, updates from the frontend reaching Java listeners with their echo, binary
 * buffers both ways, comm_info, the control comm's request of all states, clicks, interact, close.
 */
class WidgetsIT extends SharedKernel {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<Message> seen = new ArrayList<>();

    /** Each check looks at its own messages only (the kernel, and this instance, are shared by them all). */
    @BeforeEach
    void forgetEarlierMessages() {
        seen.clear();
    }

    /** Sends a comm message as a frontend does, on shell, with binary buffers; returns its msg_id. */
    private String comm(String type, JsonObject content, List<byte[]> buffers) {
        Message m = client.message(type, content);
        Message withBuffers = new Message(m.identities(), m.header(), m.parentHeader(), m.metadata(), content, buffers);
        client.sendRaw(client.shell, client.encode(withBuffers));
        return m.id();
    }

    private String update(String commId, String stateJson, List<byte[]> buffers, String bufferPathsJson) {
        JsonObject data = new JsonObject();
        data.addProperty("method", "update");
        data.add("state", JsonParser.parseString(stateJson));
        data.add("buffer_paths", JsonParser.parseString(bufferPathsJson));
        return comm("comm_msg", content(commId, data), buffers);
    }

    private static JsonObject content(String commId, JsonObject data) {
        JsonObject c = new JsonObject();
        c.addProperty("comm_id", commId);
        c.add("data", data);
        return c;
    }

    /** The first iopub message (seen before or arriving within the wait) that matches. */
    private Message awaitIopub(String what, Predicate<Message> match) {
        long deadline = System.nanoTime() + WAIT.toNanos();
        int checked = 0;
        while (true) {
            for (; checked < seen.size(); checked++) {
                if (match.test(seen.get(checked))) {
                    return seen.remove(checked);
                }
            }
            if (System.nanoTime() > deadline) {
                throw new AssertionError("no " + what + " within " + WAIT + "; saw " + KernelClient.types(seen));
            }
            Message m = client.receive(client.iopub, Duration.ofMillis(100));
            if (m != null) {
                seen.add(m);
            }
        }
    }

    private static boolean isCommMsg(Message m, String commId, String method) {
        return m.type().equals("comm_msg") && m.contentString("comm_id", "").equals(commId)
                && m.content().getAsJsonObject("data").get("method").getAsString().equals(method);
    }

    private static boolean isStdout(Message m, String text) {
        return m.type().equals("stream") && m.contentString("text", "").contains(text);
    }

    /** Runs a cell, keeping its iopub messages (and those of others it passed) for {@link #awaitIopub}. */
    private KernelClient.Execution run(String code) {
        KernelClient.Execution e = client.execute(code, WAIT);
        assertEquals("ok", e.status(), e.stdout() + e.stderr());
        seen.addAll(e.iopub());
        seen.addAll(client.iopubFor(Duration.ZERO));
        return e;
    }

    /** Runs a cell; returns the model id it prints (its last line). */
    private String modelIdOf(String code) {
        KernelClient.Execution e = run(code + "\nSystem.out.println(w.modelId());");
        String[] lines = e.stdout().strip().split("\n");
        return lines[lines.length - 1].strip();
    }

    @Test
    void aSliderSyncsBothWaysWithItsEchoAndShowsAsAWidgetView() {
        String cell = client.executeAsync("var slider = new IntSlider(\"n\", 0, 10, 3);\n"
                + "slider.observe(\"value\", c -> System.out.println(\"listener got \" + c.newValue()"
                + " + \" on \" + Thread.currentThread().getName()));\nslider");
        Message open = awaitIopub("the slider's comm_open", m -> m.type().equals("comm_open")
                && m.content().getAsJsonObject("data").getAsJsonObject("state").get("_model_name").getAsString().equals("IntSliderModel"));
        assertEquals("jupyter.widget", open.contentString("target_name", ""));
        assertEquals("2.1.0", open.metadata().get("version").getAsString(), "the protocol version is in the metadata");
        assertEquals(cell, KernelClient.parentId(open));
        JsonObject state = open.content().getAsJsonObject("data").getAsJsonObject("state");
        assertEquals(3, state.get("value").getAsInt());
        assertEquals("@jupyter-widgets/controls", state.get("_model_module").getAsString());
        assertTrue(state.get("layout").getAsString().startsWith("IPY_MODEL_"), state.toString());
        String id = open.contentString("comm_id", "");
        Message result = awaitIopub("the slider as the cell's value", m -> m.type().equals("execute_result")
                && KernelClient.parentId(m).equals(cell));
        JsonObject view = result.content().getAsJsonObject("data").getAsJsonObject("application/vnd.jupyter.widget-view+json");
        assertEquals(id, view.get("model_id").getAsString(), "the view's data is a JSON object naming the model");
        assertEquals(2, view.get("version_major").getAsInt());

        String request = update(id, "{\"value\": 7}", List.of(), "[]");
        Message echo = awaitIopub("the echo_update", m -> isCommMsg(m, id, "echo_update"));
        assertEquals(request, KernelClient.parentId(echo), "the echo answers the frontend's update (ipywidgets 8 matches them by it)");
        assertEquals(7, echo.content().getAsJsonObject("data").getAsJsonObject("state").get("value").getAsInt());
        Message printed = awaitIopub("the listener's line", m -> isStdout(m, "listener got 7"));
        assertEquals(cell, KernelClient.parentId(printed), "the listener prints into the cell that registered it");
        assertTrue(printed.contentString("text", "").contains("threadbook-comms"), "it ran in the notebook's Java session: " + printed.content());
        assertEquals("7", run("slider.getValue()").result());

        run("slider.setValue(9);");
        Message fromJava = awaitIopub("the update from Java", m -> isCommMsg(m, id, "update"));
        assertEquals(9, fromJava.content().getAsJsonObject("data").getAsJsonObject("state").get("value").getAsInt());

        JsonObject ask = new JsonObject();
        ask.addProperty("method", "request_state");
        comm("comm_msg", content(id, ask), List.of());
        Message full = awaitIopub("the whole state", m -> isCommMsg(m, id, "update")
                && m.content().getAsJsonObject("data").getAsJsonObject("state").has("_model_name"));
        assertEquals(9, full.content().getAsJsonObject("data").getAsJsonObject("state").get("value").getAsInt());
    }

    @Test
    void aValueAListenerSetsWhileTheFrontendsChangeIsAppliedGoesBack() {
        String id = modelIdOf("var w = new IntSlider(\"even\", 0, 10, 0);\n"
                + "w.observe(\"value\", c -> w.setValue((Integer) c.newValue() / 2 * 2));");
        update(id, "{\"value\": 7}", List.of(), "[]");
        Message fixed = awaitIopub("the listener's value sent back", m -> isCommMsg(m, id, "update"));
        assertEquals(6, fixed.content().getAsJsonObject("data").getAsJsonObject("state").get("value").getAsInt(),
                "the frontend's 7 is not sent back to it, the listener's 6 is");
        assertEquals("6", run("w.getValue()").result());
    }

    @Test
    void binaryBuffersGoBothWays() {
        String id = modelIdOf("var w = new IntSlider();\nw.observe(\"blob\", c -> System.out.println(\"got bytes \""
                + " + Arrays.toString((byte[]) c.newValue())));\nw.set(\"blob\", new byte[] {1, 2, (byte) 255});");
        Message sent = awaitIopub("the update with a buffer", m -> isCommMsg(m, id, "update"));
        JsonObject data = sent.content().getAsJsonObject("data");
        assertEquals("[[\"blob\"]]", data.get("buffer_paths").toString());
        assertFalse(data.getAsJsonObject("state").has("blob"), "a binary value travels as a buffer, not in the JSON");
        assertArrayEquals(new byte[] {1, 2, (byte) 255}, sent.buffers().get(0));

        update(id, "{}", List.of(new byte[] {4, 5}), "[[\"blob\"]]");
        awaitIopub("the listener's bytes", m -> isStdout(m, "got bytes [4, 5]"));
    }

    @Test
    void commInfoListsOpenCommsByTargetAndCloseWorksBothWays() {
        String id = modelIdOf("var w = new Label(\"hello\");");
        assertTrue(commInfo("jupyter.widget").has(id));
        assertFalse(commInfo("no.such.target").has(id), "only the target asked for");
        comm("comm_close", content(id, new JsonObject()), List.of());
        assertFalse(commInfo("jupyter.widget").has(id), "closed by the frontend");

        String other = modelIdOf("var w = new HTML(\"<b>x</b>\");");
        run("w.close();");
        Message closed = awaitIopub("the comm_close", m -> m.type().equals("comm_close") && m.contentString("comm_id", "").equals(other));
        assertTrue(closed.content().has("data"));
        assertFalse(commInfo("").has(other), "closed by Java");

        // A target the session does not have: closed at once, as ipykernel does.
        comm("comm_open", openContent("unknown-1", "no.such.target"), List.of());
        awaitIopub("the close of an unknown target's comm", m -> m.type().equals("comm_close")
                && m.contentString("comm_id", "").equals("unknown-1"));
        assertFalse(commInfo("").has("unknown-1"));
    }

    @Test
    void aNewJavaSessionClosesTheCommsOfTheLastOne() {
        String id = modelIdOf("var w = new Label(\"of the first session\");");
        seen.addAll(client.execute("System.exit(0);", WAIT).iopub()); // the kernel starts a new Java session
        run("1 + 1");
        awaitIopub("the old session's comm closed", m -> m.type().equals("comm_close") && m.contentString("comm_id", "").equals(id));
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
        comm("comm_open", openContent("control-1", "jupyter.widget.control"), List.of());
        JsonObject ask = new JsonObject();
        ask.addProperty("method", "request_states");
        String request = comm("comm_msg", content("control-1", ask), List.of());
        Message states = awaitIopub("update_states", m -> isCommMsg(m, "control-1", "update_states"));
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
        comm("comm_msg", content(id, click), List.of());
        awaitIopub("the failed listener's error", m -> m.type().equals("stream") && m.contentString("text", "").contains("first click fails"));
        awaitIopub("the next listener's line", m -> isStdout(m, "clicked Go 1"));
        comm("comm_msg", content(id, click), List.of());
        awaitIopub("the second click's line", m -> isStdout(m, "clicked Go 2"));
    }

    @Test
    void interactRunsAgainOnAChangeWithItsOutputInItsOutputWidget() {
        KernelClient.Execution e = run("var n = new IntSlider(\"n\", 1, 10, 2);\n"
                + "var it = interactive(k -> System.out.println(\"squared \" + k * k), n);\n"
                + "System.out.println(n.modelId() + \" \" + it.output().modelId());");
        String[] ids = e.stdout().strip().split(" ");
        awaitIopub("the first run's output", m -> isOutputs(m, ids[1], "squared 4"));
        update(ids[0], "{\"value\": 5}", List.of(), "[]");
        awaitIopub("the output of the run the change started", m -> isOutputs(m, ids[1], "squared 25"));
    }

    @Test
    void aNewValueInterruptsTheRunStillGoingAndItsRunReplacesTheOutput() {
        KernelClient.Execution e = run("var slow = new IntSlider(\"slow\", 1, 10, 2);\n"
                + "var it = interactive(k -> { System.out.println(\"started \" + k);"
                + " try { Thread.sleep(600_000); } catch (InterruptedException x) { System.out.println(\"interrupted \" + k); } }, slow);\n"
                + "System.out.println(slow.modelId() + \" \" + it.output().modelId());");
        String[] ids = e.stdout().strip().split(" ");
        awaitIopub("the first run started", m -> isOutputs(m, ids[1], "started 2"));
        update(ids[0], "{\"value\": 5}", List.of(), "[]");
        awaitIopub("the first run interrupted", m -> isOutputs(m, ids[1], "interrupted 2"));
        Message second = awaitIopub("the second run", m -> isOutputs(m, ids[1], "started 5"));
        String outputs = second.content().getAsJsonObject("data").getAsJsonObject("state").get("outputs").toString();
        assertFalse(outputs.contains("started 2") || outputs.contains("interrupted 2"), "the first run's output is gone: " + outputs);
        run("it.close();"); // ends the second run's sleep
    }

    @Test
    void threadsStartedInsideAnOutputPrintIntoIt() {
        KernelClient.Execution e = run("var out = new Output();\n"
                + "out.capture(() -> new Thread(() -> { try { Thread.sleep(300); } catch (InterruptedException x) { }"
                + " System.out.println(\"late line from a thread\"); }).start());\n"
                + "System.out.println(out.modelId());");
        String id = e.stdout().strip();
        awaitIopub("the thread's line in the Output widget", m -> isOutputs(m, id, "late line from a thread"));
        assertFalse(e.stdout().contains("late line"), "not in the cell");
    }

    @Test
    void workerProcessesAndDisplayUpdatesLandInTheOutputTheyRanIn() {
        KernelClient.Execution e = run("var out = new Output();\n"
                + "try (var pool = new WorkerPool(1)) {\n"
                + "    out.capture(() -> pool.map(i -> { System.out.println(\"from worker \" + i); return i; }, List.of(7)));\n"
                + "}\n"
                + "out.capture(() -> { var h = displayHandle(\"step 1\"); h.update(\"step 2\"); });\n"
                + "System.out.println(out.modelId());");
        String id = e.stdout().strip();
        assertFalse(e.stdout().contains("from worker"), "not in the cell: " + e.stdout());
        awaitIopub("the worker's line in the Output widget", m -> isOutputs(m, id, "from worker 7"));
        Message updated = awaitIopub("the display updated in place", m -> isOutputs(m, id, "step 2"));
        String outputs = updated.content().getAsJsonObject("data").getAsJsonObject("state").get("outputs").toString();
        assertFalse(outputs.contains("step 1"), "replaced, not added: " + outputs);
    }

    private static boolean isOutputs(Message m, String outputId, String text) {
        if (!isCommMsg(m, outputId, "update")) {
            return false;
        }
        JsonArray outputs = m.content().getAsJsonObject("data").getAsJsonObject("state").getAsJsonArray("outputs");
        return outputs != null && outputs.toString().contains(text);
    }
}
