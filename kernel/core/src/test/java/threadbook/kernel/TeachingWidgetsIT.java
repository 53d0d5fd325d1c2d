package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static threadbook.client.CommFrontend.content;
import static threadbook.client.CommFrontend.isOpenOf;
import static threadbook.client.CommFrontend.isUpdate;
import static threadbook.client.CommFrontend.state;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernelWithFrontend;
import threadbook.protocol.Message;

/**
 * The widgets made for teaching, over real ZeroMQ with this test as the frontend: the live threads view
 * ({@code %threads --live}) following a deadlock while its cell still runs, and {@code %%compare --slider}
 * re-running its comparison when the frontend moves the slider.
 */
class TeachingWidgetsIT extends SharedKernelWithFrontend {
    /** A row of the view: thread, state, the lock it holds, the lock it waits for, that lock's owner. */
    private static Pattern row(String thread, String holds, String waitsFor, String owner) {
        return Pattern.compile("<tr><td[^>]*>" + thread + "</td><td[^>]*><b>BLOCKED</b></td><td[^>]*>" + holds
                + "</td><td[^>]*>" + waitsFor + "</td><td[^>]*>" + owner + "</td>");
    }

    @Test
    void theLiveViewShowsADeadlockFormingWhileItsCellStillRuns() {
        frontend.run("%threads --live");
        Message open = frontend.await("the view's comm_open", m -> isOpenOf(m, "HTMLModel"));
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
        Message blocked = frontend.await("both threads BLOCKED in the view", m -> isUpdate(m, view)
                && row("first", "lockA", "lockB", "second").matcher(state(m).get("value").getAsString()).find()
                && row("second", "lockB", "lockA", "first").matcher(state(m).get("value").getAsString()).find());
        assertTrue(state(blocked).get("value").getAsString().contains("Deadlock"), state(blocked).toString());
        assertNull(client.receive(client.shell, Duration.ofMillis(1)), "the view updated while the cell still ran");

        client.send(client.control, "interrupt_request", new JsonObject());
        assertEquals("error", client.reply(client.shell, cell, WAIT).contentString("status", ""));
        frontend.keep(client.iopubFor(Duration.ofMillis(1200)));
        long later = frontend.kept().stream().filter(m -> isUpdate(m, view)).count();
        assertTrue(later <= 1, "a view sends only what changed; after the deadlock (and the interrupt) it sent " + later);
        frontend.send("comm_close", content(view, new JsonObject()));
    }

    @Test
    void movingTheCompareSliderRunsTheComparisonAgainIntoItsOutputWidget() {
        KernelClient.Execution first = frontend.run("%%compare --slider n=1:8:2\n"
                + "// --- counted\nSystem.out.println(\"counted to \" + n);\n"
                + "// --- doubled\nSystem.out.println(\"doubled to \" + 2 * n);");
        String slider = frontend.await("the slider", m -> isOpenOf(m, "IntSliderModel")).contentString("comm_id", "");
        String output = frontend.await("the Output", m -> isOpenOf(m, "OutputModel")).contentString("comm_id", "");
        Message routed = frontend.await("the first run routed into the Output", m -> isUpdate(m, output));
        assertEquals(KernelClient.parentId(routed), state(routed).get("msg_id").getAsString());
        assertEquals("", state(frontend.await("the first run's routing ended", m -> isUpdate(m, output))).get("msg_id").getAsString());
        assertTrue(first.stdout().contains("doubled to 4"), first.stdout());

        String moved = frontend.update(slider, "{\"value\": 6}", List.of(), "[]");
        Message again = frontend.await("the re-run routed into the Output", m -> isUpdate(m, output)
                && KernelClient.parentId(m).equals(moved));
        assertEquals(moved, state(again).get("msg_id").getAsString(), "its output goes where the frontend captures it");
        Message line = frontend.await("the re-run's output", m -> m.type().equals("stream")
                && m.contentString("text", "").contains("doubled to 12"));
        assertEquals(moved, KernelClient.parentId(line));
        Message table = frontend.await("the re-run's table", m -> m.type().equals("display_data")
                && m.content().getAsJsonObject("data").has("text/html") && KernelClient.parentId(m).equals(moved));
        assertTrue(table.content().getAsJsonObject("data").get("text/plain").getAsString().contains("doubled"));
        Message ended = frontend.await("the routing's end", m -> isUpdate(m, output) && KernelClient.parentId(m).equals(moved));
        assertEquals("", state(ended).get("msg_id").getAsString(), "routed no longer: the frontend's slider"
                + " must see its message's idle (it sends its next value after it)");
        assertEquals("6", client.execute("n", WAIT).result(), "the variable has the slider's value");
    }
}
