package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.Poll;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/** The real kernel process, driven over real ZeroMQ sockets by the test client. */
class KernelIT extends SharedKernel {

    @Test
    void kernelInfoDescribesJava() {
        String id = client.send(client.shell, "kernel_info_request", new JsonObject());
        Message reply = client.reply(client.shell, id, Duration.ofSeconds(10));
        JsonObject info = reply.content().getAsJsonObject("language_info");
        assertEquals("java", info.get("name").getAsString());
        assertEquals(".java", info.get("file_extension").getAsString());
        assertEquals("text/x-java", info.get("mimetype").getAsString());
        assertEquals(String.valueOf(Runtime.version().feature()), info.get("version").getAsString().split("[.+-]")[0]);
        assertTrue(reply.content().get("banner").getAsString().contains("Java"));
        List<Message> iopub = client.iopubUntilIdle(id, Duration.ofSeconds(5));
        assertEquals("busy", iopub.get(0).contentString("execution_state", ""), "busy comes first, with the request as parent");
    }

    // As a console JupyterLab opens while a cell runs: its connection gets a subscriber socket of its own, its
    // kernel_info is answered at once, and the Jupyter server does not "nudge" a busy kernel until iopub is
    // through. A frontend waits for the reply and the idle both, so an idle published before its subscription
    // arrived left it waiting for good. Here the idle is surely published before the new subscriber connects.
    @Test
    void aSubscriberThatJoinsAfterItsKernelInfoWasAnsweredGetsTheWelcomeAndTheIdle() {
        String id = client.send(client.shell, "kernel_info_request", new JsonObject());
        client.reply(client.shell, id, Duration.ofSeconds(10));
        client.iopubUntilIdle(id, Duration.ofSeconds(10));
        try (KernelClient late = kernel.client()) {
            List<Message> forRequest = late.iopubUntilIdle(id, Duration.ofSeconds(30));
            assertEquals("idle", forRequest.get(forRequest.size() - 1).contentString("execution_state", ""));
            List<Message> before = late.iopubFor(Duration.ZERO);
            assertTrue(before.stream().anyMatch(m -> m.type().equals("iopub_welcome")
                    && m.contentString("subscription", "?").isEmpty()), "JEP 65's iopub_welcome first: " + before);
        }
    }

    @Test
    void aCellRunsAllItsSnippetsInOrder() {
        KernelClient.Execution e = client.execute("""
                int a = 2;
                int square(int x) { return x * x; }
                record Point(int x, int y) {}
                System.out.println("declared");
                square(a) + new Point(3, 4).y()""");
        assertEquals("ok", e.status());
        assertEquals("declared\n", e.stdout());
        assertEquals("8", e.result());
    }

    @Test
    void aTrailingSemicolonHidesTheValueLikeIPython() {
        assertEquals("3", client.execute("1 + 2").result());
        assertEquals(null, client.execute("1 + 2;").result());
    }

    @Test
    void aVolatileTopLevelVariableGetsAWarningAndCommentsDoNotShowValues() {
        KernelClient.Execution e = client.execute("volatile boolean running = true;");
        assertEquals("ok", e.status());
        assertTrue(e.stderr().contains("'volatile' is ignored") && e.stderr().contains("AtomicBoolean"), e.stderr());
        assertEquals(null, client.execute("Math.max(1, 2); // the comment does not make it shown").result());
    }

    @Test
    void redefiningAMethodWorksAsInJShell() {
        client.execute("String greet() { return \"hi\"; }");
        client.execute("String greet() { return \"hello\"; }");
        assertEquals("\"hello\"", client.execute("greet()").result());
    }

    @Test
    void aCompileErrorNamesTheLineAndMarksIt() {
        KernelClient.Execution e = client.execute("int ok = 1;\nint bad = missingName + 1;");
        assertEquals("error", e.status());
        Message error = e.error();
        assertNotNull(error);
        assertEquals("CompileError", error.contentString("ename", ""));
        String traceback = error.content().get("traceback").toString();
        assertTrue(traceback.contains("line 2"), traceback);
        assertTrue(traceback.contains("missingName"), traceback);
        assertTrue(traceback.contains("^"), traceback);
    }

    @Test
    void anExceptionShowsTheUsersFramesOnly() {
        client.execute("int divide(int a, int b) {\n  return a / b;\n}");
        KernelClient.Execution e = client.execute("int x = 1;\ndivide(x, 0)");
        assertEquals("error", e.status());
        assertEquals("java.lang.ArithmeticException", e.error().contentString("ename", ""));
        String traceback = e.error().content().get("traceback").toString();
        assertTrue(traceback.contains("divide(cell ["), traceback);
        assertTrue(traceback.contains("line 2"), traceback);
        assertFalse(traceback.contains("jdk.jshell"), traceback);
        assertFalse(traceback.contains("reflect"), traceback);
    }

    @Test
    void outputOfAThreadLandsUnderItsCellEvenAfterTheCellEnded() {
        String first = client.executeAsync("""
                new Thread(() -> {
                    try { Thread.sleep(1000); } catch (InterruptedException e) { }
                    System.out.println("late line from cell one");
                }).start();""");
        client.reply(client.shell, first, Duration.ofSeconds(30));
        client.iopubUntilIdle(first, Duration.ofSeconds(10));
        String second = client.executeAsync("Thread.sleep(2000); System.out.println(\"cell two\");");
        client.reply(client.shell, second, Duration.ofSeconds(30));
        List<Message> all = new ArrayList<>(client.iopubFor(Duration.ofSeconds(1)));
        Message late = all.stream().filter(m -> m.type().equals("stream")
                && m.contentString("text", "").contains("late line")).findFirst().orElse(null);
        assertNotNull(late, "the late line arrived: " + KernelClient.types(all));
        assertEquals(first, KernelClient.parentId(late), "the late line's parent is the cell that started the thread");
        Message two = all.stream().filter(m -> m.type().equals("stream")
                && m.contentString("text", "").contains("cell two")).findFirst().orElseThrow();
        assertEquals(second, KernelClient.parentId(two));
    }

    @Test
    void aPoolMadeInOneCellPrintsUnderTheCellThatUsesIt() {
        client.execute("ExecutorService pool = Executors.newFixedThreadPool(2);\npool.submit(() -> System.out.println(\"warm\")).get();");
        KernelClient.Execution later = client.execute("pool.submit(() -> System.out.println(\"from the pool\")).get();");
        assertEquals("from the pool\n", later.stdout(), "documented: pool threads print under the running cell");
        KernelClient.Execution async = client.execute("CompletableFuture.runAsync(() -> System.out.println(\"common pool\")).join();");
        assertEquals("common pool\n", async.stdout());
        client.execute("pool.shutdown();");
    }

    @Test
    void aMisSignedMessageIsDroppedAndNeverRun() {
        JsonObject content = new JsonObject();
        content.addProperty("code", "System.out.println(\"MUST NOT RUN\")");
        Message m = client.message("execute_request", content);
        List<byte[]> frames = client.encode(m);
        int signature = frames.indexOf(frames.stream().filter(f -> new String(f, StandardCharsets.US_ASCII)
                .equals("<IDS|MSG>")).findFirst().orElseThrow()) + 1;
        frames.set(signature, "0".repeat(64).getBytes(StandardCharsets.US_ASCII));
        client.sendRaw(client.shell, frames);
        frames.set(signature, new byte[0]);
        client.sendRaw(client.shell, frames);
        client.sendRaw(client.shell, List.of("garbage".getBytes(StandardCharsets.US_ASCII)));
        KernelClient.Execution after = client.execute("System.out.println(\"still answering\")");
        assertEquals("still answering\n", after.stdout());
        List<Message> rest = client.iopubFor(Duration.ofMillis(500));
        assertFalse(rest.stream().anyMatch(x -> x.contentString("text", "").contains("MUST NOT RUN")));
        String log = kernel.log();
        assertTrue(log.contains("invalid signature"), log);
        assertTrue(log.contains("unsigned message"), log);
        assertTrue(log.contains("delimiter"), log);
        client.send(client.shell, "no_such_request", new JsonObject());
        assertEquals("ok", client.execute("1").status(), "an unknown request type does no harm");
        assertTrue(kernel.log().contains("ignored a request of unknown type 'no_such_request'"), kernel.log());
    }

    /**
     * The agent's channels to the kernel are Unix-domain socket channels, which close when a thread using
     * them is interrupted: a thread whose interrupt flag is set sends output and a display, and a thread is
     * interrupted while it prints; the session goes on, the flag stays the user's.
     */
    @Test
    void anInterruptedThreadThatPrintsBreaksNoChannel() {
        KernelClient.Execution e = client.execute("""
                Thread.currentThread().interrupt();
                html("<b>shown</b>");
                System.out.println("printed while interrupted: " + Thread.currentThread().isInterrupted());
                Thread t = new Thread(() -> { while (!Thread.currentThread().isInterrupted()) { html("<i>x</i>"); } });
                t.start(); Thread.sleep(200); t.interrupt(); t.join();
                Thread.interrupted();
                """);
        assertEquals("ok", e.status(), e.toString());
        assertEquals("printed while interrupted: true\n", e.stdout());
        KernelClient.Execution after = client.execute("System.out.println(\"still here\"); 6 * 7");
        assertEquals("still here\n", after.stdout());
        assertEquals("42", after.result());
    }

    @Test
    void interruptStopsABusyLoopAndKeepsTheSession() {
        client.execute("int kept = 41;");
        String id = client.executeAsync("{ System.out.println(\"looping\"); while (true) { } }");
        // Once the loop runs: an interrupt while the cell still compiles cancels it before it starts.
        Poll.cellOutput(client, id, Duration.ofSeconds(60), "the cell started", out -> out.contains("looping"));
        long t0 = System.nanoTime();
        String interrupt = client.send(client.control, "interrupt_request", new JsonObject());
        Message interruptReply = client.reply(client.control, interrupt, Duration.ofSeconds(10));
        assertEquals("ok", interruptReply.contentString("status", ""));
        Message reply = client.reply(client.shell, id, Duration.ofSeconds(10));
        double seconds = (System.nanoTime() - t0) / 1e9;
        assertEquals("error", reply.contentString("status", ""));
        assertTrue(seconds < 5, "the cell ended " + seconds + " s after the interrupt");
        client.iopubUntilIdle(id, Duration.ofSeconds(5));
        assertEquals("42", client.execute("kept + 1").result(), "variables survive an interrupt");
    }

    @Test
    void historyAndCompletionAndCompleteness() {
        client.execute("int historyMarker = 7;");
        JsonObject h = new JsonObject();
        h.addProperty("hist_access_type", "tail");
        h.addProperty("n", 1);
        h.addProperty("output", false);
        h.addProperty("raw", true);
        Message history = client.reply(client.shell, client.send(client.shell, "history_request", h), Duration.ofSeconds(10));
        assertTrue(history.content().get("history").toString().contains("historyMarker"));

        JsonObject c = new JsonObject();
        String code = "String s = \"x\"; s.toUpp";
        c.addProperty("code", code);
        c.addProperty("cursor_pos", code.length());
        Message completion = client.reply(client.shell, client.send(client.shell, "complete_request", c), Duration.ofSeconds(30));
        assertTrue(completion.content().get("matches").toString().contains("toUpperCase"), completion.content().toString());
        assertEquals(code.indexOf("toUpp"), completion.content().get("cursor_start").getAsInt());
        assertEquals(code.length(), completion.content().get("cursor_end").getAsInt());

        assertEquals("incomplete", isComplete("for (int i = 0; i < 3; i++) {"));
        assertEquals("complete", isComplete("int y = 1;"));
        assertEquals("invalid", isComplete("int z = ;"));
    }

    private String isComplete(String code) {
        JsonObject c = new JsonObject();
        c.addProperty("code", code);
        return client.reply(client.shell, client.send(client.shell, "is_complete_request", c), Duration.ofSeconds(30))
                .contentString("status", "");
    }

    static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
