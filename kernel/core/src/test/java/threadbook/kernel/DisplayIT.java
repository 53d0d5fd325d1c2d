package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/** Rich output: displays from any thread land in their cell, update in place, and rich values. */
class DisplayIT extends SharedKernel {

    @Test
    void displaysFromTheCellAndFromABackgroundThreadLandInTheirCell() {
        String first = client.executeAsync("""
                html("<b>from the cell</b>");
                new Thread(() -> {
                    try { Thread.sleep(700); } catch (InterruptedException e) { }
                    display("image/svg+xml", "<svg xmlns='http://www.w3.org/2000/svg'/>");
                }).start();""");
        client.reply(client.shell, first, Duration.ofSeconds(30));
        List<Message> own = client.iopubUntilIdle(first, Duration.ofSeconds(10));
        Message html = own.stream().filter(m -> m.type().equals("display_data")).findFirst().orElseThrow();
        assertEquals("<b>from the cell</b>", html.content().getAsJsonObject("data").get("text/html").getAsString());
        String second = client.executeAsync("Thread.sleep(1500);");
        client.reply(client.shell, second, Duration.ofSeconds(30));
        Message svg = client.iopubFor(Duration.ofMillis(500)).stream()
                .filter(m -> m.type().equals("display_data") && m.content().getAsJsonObject("data").has("image/svg+xml"))
                .findFirst().orElse(null);
        assertNotNull(svg, "the background thread's display arrived");
        assertEquals(first, KernelClient.parentId(svg), "under the cell that started the thread, not the running one");
    }

    @Test
    void aDisplayHandleUpdatesInPlace() {
        KernelClient.Execution e = client.execute("var h = displayHandle(\"step 1\");\nh.update(\"step 2\");\nh.update(\"text/html\", \"<i>done</i>\");");
        List<Message> shown = e.ofType("display_data");
        List<Message> updates = e.ofType("update_display_data");
        assertEquals(1, shown.size());
        assertEquals(2, updates.size());
        String id = shown.get(0).content().getAsJsonObject("transient").get("display_id").getAsString();
        for (Message u : updates) {
            assertEquals(id, u.content().getAsJsonObject("transient").get("display_id").getAsString());
        }
        assertEquals("<i>done</i>", updates.get(1).content().getAsJsonObject("data").get("text/html").getAsString());
        KernelClient.Execution cleared = client.execute("clearOutput(true);");
        assertTrue(cleared.ofType("clear_output").get(0).content().get("wait").getAsBoolean());
    }

    @Test
    void aCompletableFutureValueUpdatesWhenItCompletes() {
        String id = client.executeAsync("CompletableFuture.supplyAsync(() -> { try { Thread.sleep(600); } catch (InterruptedException e) { } return 6 * 7; })");
        client.reply(client.shell, id, Duration.ofSeconds(30));
        List<Message> during = client.iopubUntilIdle(id, Duration.ofSeconds(10));
        Message running = during.stream().filter(m -> m.type().equals("display_data")).findFirst().orElseThrow();
        assertTrue(running.content().getAsJsonObject("data").get("text/plain").getAsString().contains("running"));
        assertTrue(during.stream().noneMatch(m -> m.type().equals("execute_result")), "the display stands for the value");
        String displayId = running.content().getAsJsonObject("transient").get("display_id").getAsString();
        Message done = client.iopubFor(Duration.ofSeconds(2)).stream().filter(m -> m.type().equals("update_display_data")).findFirst().orElseThrow();
        assertEquals(displayId, done.content().getAsJsonObject("transient").get("display_id").getAsString());
        assertEquals("CompletableFuture: completed with 42", done.content().getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals(id, KernelClient.parentId(done));
    }

    @Test
    void renderableValuesAndImagesShowRichly() {
        client.execute("record Badge(String text) implements Renderable { public Map<String, String> render() {"
                + " return Map.of(\"text/html\", \"<span class='badge'>\" + text + \"</span>\"); } }");
        KernelClient.Execution badge = client.execute("new Badge(\"fast\")");
        Message result = badge.ofType("execute_result").get(0);
        assertEquals("<span class='badge'>fast</span>", result.content().getAsJsonObject("data").get("text/html").getAsString());
        assertTrue(result.content().getAsJsonObject("data").get("text/plain").getAsString().contains("Badge"));
        KernelClient.Execution image = client.execute("var img = new java.awt.image.BufferedImage(2, 2, java.awt.image.BufferedImage.TYPE_INT_RGB);\nimg");
        String png = image.ofType("execute_result").get(0).content().getAsJsonObject("data").get("image/png").getAsString();
        assertTrue(java.util.Base64.getDecoder().decode(png)[1] == 'P', "a PNG");
    }
}
