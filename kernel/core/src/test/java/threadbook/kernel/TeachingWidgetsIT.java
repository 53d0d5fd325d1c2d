package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/**
 * The widgets made for teaching, over real ZeroMQ with this test as the frontend: the live threads view
 * ({@code %threads --live}) following a deadlock while its cell still runs, and {@code %%compare --slider}
 * re-running its comparison when the frontend moves the slider.
 */
class TeachingWidgetsIT extends SharedKernel {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private final List<Message> seen = new ArrayList<>();

    @BeforeEach
    void forgetEarlierMessages() {
        seen.clear();
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
                throw new AssertionError("no " + what + " within " + WAIT + "; saw " + KernelClient.types(seen)
                        + seen.stream().filter(m -> m.type().equals("comm_msg")).map(m -> m.content().toString()).toList());
            }
            Message m = client.receive(client.iopub, Duration.ofMillis(100));
            if (m != null) {
                seen.add(m);
            }
        }
    }

    private static JsonObject state(Message m) {
        return m.content().getAsJsonObject("data").getAsJsonObject("state");
    }

    private static boolean isOpenOf(Message m, String modelName) {
        return m.type().equals("comm_open") && state(m).has("_model_name")
                && state(m).get("_model_name").getAsString().equals(modelName);
    }

    private static boolean isUpdate(Message m, String commId) {
        return m.type().equals("comm_msg") && m.contentString("comm_id", "").equals(commId)
                && m.content().getAsJsonObject("data").get("method").getAsString().equals("update");
    }

    /** A row of the view: thread, state, the lock it holds, the lock it waits for, that lock's owner. */
    private static Pattern row(String thread, String holds, String waitsFor, String owner) {
        return Pattern.compile("<tr><td[^>]*>" + thread + "</td><td[^>]*><b>BLOCKED</b></td><td[^>]*>" + holds
                + "</td><td[^>]*>" + waitsFor + "</td><td[^>]*>" + owner + "</td>");
    }

    @Test
    void theLiveViewShowsADeadlockFormingWhileItsCellStillRuns() {
        KernelClient.Execution shown = client.execute("%threads --live", WAIT);
        assertEquals("ok", shown.status(), shown.stdout() + shown.stderr());
        seen.addAll(shown.iopub());
        Message open = awaitIopub("the view's comm_open", m -> isOpenOf(m, "HTMLModel"));
        String view = open.contentString("comm_id", "");

        String cell = client.executeAsync("Object lockA = new Object(), lockB = new Object();\n"
                + "CountDownLatch both = new CountDownLatch(2);\n"
                + "Runnable first = () -> { synchronized (lockA) { both.countDown(); try { both.await(); } catch (InterruptedException e) { }"
                + " synchronized (lockB) { } } };\n"
                + "Runnable second = () -> { synchronized (lockB) { both.countDown(); try { both.await(); } catch (InterruptedException e) { }"
                + " synchronized (lockA) { } } };\n"
                + "Thread a = new Thread(first, \"first\"), b = new Thread(second, \"second\");\n"
                + "a.setDaemon(true); b.setDaemon(true); a.start(); b.start();\n"
                + "a.join();");
        Message blocked = awaitIopub("both threads BLOCKED in the view", m -> isUpdate(m, view)
                && row("first", "lockA", "lockB", "second").matcher(state(m).get("value").getAsString()).find()
                && row("second", "lockB", "lockA", "first").matcher(state(m).get("value").getAsString()).find());
        assertTrue(state(blocked).get("value").getAsString().contains("Deadlock"), state(blocked).toString());
        assertNull(client.receive(client.shell, Duration.ofMillis(1)), "the view updated while the cell still ran");

        client.send(client.control, "interrupt_request", new JsonObject());
        assertEquals("error", client.reply(client.shell, cell, WAIT).contentString("status", ""));
        seen.addAll(client.iopubFor(Duration.ofMillis(1200)));
        long later = seen.stream().filter(m -> isUpdate(m, view)).count();
        assertTrue(later <= 1, "a view sends only what changed; after the deadlock (and the interrupt) it sent " + later);
        JsonObject close = new JsonObject();
        close.addProperty("comm_id", view);
        close.add("data", new JsonObject());
        client.send(client.shell, "comm_close", close);
    }

    @Test
    void movingTheCompareSliderRunsTheComparisonAgainIntoItsOutputWidget() {
        KernelClient.Execution first = client.execute("%%compare --slider n=1:8:2\n"
                + "// --- counted\nSystem.out.println(\"counted to \" + n);\n"
                + "// --- doubled\nSystem.out.println(\"doubled to \" + 2 * n);", WAIT);
        assertEquals("ok", first.status(), first.stdout() + first.stderr());
        seen.addAll(first.iopub());
        String slider = awaitIopub("the slider", m -> isOpenOf(m, "IntSliderModel")).contentString("comm_id", "");
        String output = awaitIopub("the Output", m -> isOpenOf(m, "OutputModel")).contentString("comm_id", "");
        Message routed = awaitIopub("the first run routed into the Output", m -> isUpdate(m, output));
        assertEquals(KernelClient.parentId(routed), state(routed).get("msg_id").getAsString());
        assertEquals("", state(awaitIopub("the first run's routing ended", m -> isUpdate(m, output))).get("msg_id").getAsString());
        assertTrue(first.stdout().contains("doubled to 4"), first.stdout());

        JsonObject data = new JsonObject();
        data.addProperty("method", "update");
        data.add("state", JsonParser.parseString("{\"value\": 6}"));
        data.add("buffer_paths", JsonParser.parseString("[]"));
        JsonObject content = new JsonObject();
        content.addProperty("comm_id", slider);
        content.add("data", data);
        String moved = client.send(client.shell, "comm_msg", content);
        Message again = awaitIopub("the re-run routed into the Output", m -> isUpdate(m, output)
                && KernelClient.parentId(m).equals(moved));
        assertEquals(moved, state(again).get("msg_id").getAsString(), "its output goes where the frontend captures it");
        Message line = awaitIopub("the re-run's output", m -> m.type().equals("stream")
                && m.contentString("text", "").contains("doubled to 12"));
        assertEquals(moved, KernelClient.parentId(line));
        Message table = awaitIopub("the re-run's table", m -> m.type().equals("display_data")
                && m.content().getAsJsonObject("data").has("text/html") && KernelClient.parentId(m).equals(moved));
        assertTrue(table.content().getAsJsonObject("data").get("text/plain").getAsString().contains("doubled"));
        Message ended = awaitIopub("the routing's end", m -> isUpdate(m, output) && KernelClient.parentId(m).equals(moved));
        assertEquals("", state(ended).get("msg_id").getAsString(), "routed no longer: the frontend's slider"
                + " must see its message's idle (it sends its next value after it)");
        assertEquals("6", client.execute("n", WAIT).result(), "the variable has the slider's value");
    }
}
