package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import threadbook.agent.ThreadbookAgent;
import threadbook.jshell.JShellSession;
import threadbook.jshell.SessionOptions;
import threadbook.protocol.Message;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

/**
 * execute_request from the request to its reply and iopub messages, on a real JShell session with its
 * agent JVM. Replies are captured through the {@link Reply} callback the kernel would sign and send.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ExecutionTest {
    private final IOPubCapture capture = new IOPubCapture();
    private final ZContext stdinContext = new ZContext();
    private CellOutput output;
    private StdinBridge stdin;
    private JShellSessions sessions;

    private History history;
    private Execution execution;
    /** What happened, in order: "reply <status>", "queued taken", "queued answered <n>". */
    private final List<String> events = new ArrayList<>();
    private final List<JsonObject> replies = new ArrayList<>();
    private List<Message> queued = List.of();

    /** One session for the class: starting a JShell and its JVM costs seconds. */
    @BeforeAll
    void startSession() throws Exception {
        Path agent = Path.of(ThreadbookAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        output = new CellOutput(capture.iopub);
        stdin = new StdinBridge(stdinContext.createSocket(SocketType.PAIR), new WireCodec(new Signer(IOPubCapture.KEY)),
                IOPubCapture.JUPYTER_SESSION);
        sessions = new JShellSessions((replay, startupJars) -> JShellSession.start(new SessionOptions(
                agent, List.of(), List.of(), stdin, output::accept, replay)));
        history = new History();
        execution = new Execution(sessions, output, stdin, capture.iopub, history,
                () -> {
                    events.add("queued taken");
                    return queued;
                },
                answered -> events.add("queued answered " + answered.size()),
                new java.util.concurrent.atomic.AtomicLong(), null);
    }

    @AfterAll
    void stopSession() {
        sessions.close();
        capture.close();
        stdinContext.close();
    }

    /**
     * One Execution for the class, as the kernel has one per process (its cell ids go with the session's):
     * each test starts from the count the one before left.
     */
    @BeforeEach
    void clear() {
        events.clear();
        replies.clear();
        queued = List.of();
        capture.drain(100);
    }

    private static Message request(String json) {
        return Message.create("client-session", "execute_request", null, JsonParser.parseString(json).getAsJsonObject(),
                List.of());
    }

    private static Message cell(String code) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        return Message.create("client-session", "execute_request", null, content, List.of());
    }

    private Reply recorder() {
        return (type, content) -> {
            assertEquals("execute_reply", type);
            synchronized (events) {
                events.add("reply " + content.get("status").getAsString());
                replies.add(content);
            }
        };
    }

    private JsonObject run(Message request) {
        execution.execute(request, recorder(), true);
        assertEquals(1, replies.size(), "one reply per request");
        return replies.get(0);
    }

    private static String parentId(Message m) {
        return m.parentHeader().get("msg_id").getAsString();
    }

    @Test
    void aValueIsAnExecuteResultAndTheCellIsCountedAndKeptInHistory() {
        int count = execution.count() + 1;
        Message request = cell("1 + 1");
        JsonObject reply = run(request);
        assertEquals("ok", reply.get("status").getAsString());
        assertEquals(count, reply.get("execution_count").getAsInt());
        assertEquals(0, reply.getAsJsonObject("user_expressions").size());
        assertEquals(0, reply.getAsJsonArray("payload").size());

        Message input = capture.next();
        assertEquals("execute_input", input.type());
        assertEquals("1 + 1", input.content().get("code").getAsString());
        assertEquals(count, input.content().get("execution_count").getAsInt());
        assertEquals(request.id(), parentId(input));
        Message result = capture.next();
        assertEquals("execute_result", result.type());
        assertEquals("2", result.content().getAsJsonObject("data").get("text/plain").getAsString());
        assertEquals(count, result.content().get("execution_count").getAsInt());
        assertEquals(request.id(), parentId(result));

        JsonObject tail = history.answer(request("{\"hist_access_type\": \"tail\", \"n\": 1, \"output\": true}"));
        assertEquals("[[1," + count + ",[\"1 + 1\",\"2\"]]]", tail.getAsJsonArray("history").toString());
        assertEquals(count, execution.count());
    }

    @Test
    void anExpressionLeavesNoHiddenVariableBehindButItsValueIsShown() throws Exception {
        run(cell("int kept = 3;"));
        replies.clear();
        for (String expression : List.of("kept * 2", "\"ab\".repeat(2)", "List.of(kept, kept)")) {
            assertEquals("ok", run(cell(expression)).get("status").getAsString(), expression);
            replies.clear();
        }
        List<String> shown = new ArrayList<>();
        while (shown.size() < 3) {
            Message m = capture.next();
            assertFalse(m.type().equals("error"), m.content().toString());
            if (m.type().equals("execute_result")) {
                shown.add(m.content().getAsJsonObject("data").get("text/plain").getAsString());
            }
        }
        assertEquals(List.of("6", "\"abab\"", "[3, 3]"), shown);
        List<String> names = ((JShellSession) sessions.get()).notebookVariables().stream()
                .map(threadbook.jshell.NotebookVariable::name).toList();
        assertTrue(names.contains("kept"), names.toString());
        // JShell's $1, $2... would each be imported into every later snippet: cells got slower one by one.
        assertTrue(names.stream().noneMatch(n -> n.startsWith("$")), names.toString());
    }

    @Test
    void anErrorIsPublishedAndRepliedWithTheSameContentAndQueuedCellsAreAnsweredAfterTheReply() {
        queued = List.of(cell("2 + 2"));
        int count = execution.count() + 1;
        JsonObject reply = run(cell("int x = ;"));
        List<Message> published = capture.until("error");
        Message error = published.get(published.size() - 1);
        assertEquals("error", reply.get("status").getAsString());
        assertEquals("CompileError", error.content().get("ename").getAsString());
        for (String field : List.of("ename", "evalue", "traceback")) {
            assertEquals(error.content().get(field), reply.get(field), field + " is the same in the reply");
        }
        assertTrue(reply.get("traceback").toString().contains("cell [" + count + "], line 1"), reply.toString());
        assertEquals(List.of("queued taken", "reply error", "queued answered 1"), events,
                "queued cells are taken before the error reply and answered after it");
    }

    @Test
    void aWarningGoesToStderrAndTheCellStillSucceeds() {
        JsonObject reply = run(cell("volatile boolean stopFlag = false;"));
        assertEquals("ok", reply.get("status").getAsString());
        List<Message> published = capture.until("stream");
        Message warning = published.get(published.size() - 1);
        assertEquals("stderr", warning.content().get("name").getAsString());
        assertTrue(warning.content().get("text").getAsString().contains("'volatile' is ignored"), warning.content().toString());
        assertFalse(reply.has("ename"), "an OK reply carries no error fields");
    }

    @Test
    void aSilentCellIsNeitherCountedNorEchoedNorKept() {
        int count = execution.count();
        int kept = history.answer(request("{\"hist_access_type\": \"tail\", \"n\": 1000}")).getAsJsonArray("history").size();
        JsonObject reply = run(request("{\"code\": \"2 + 3\", \"silent\": true}"));
        assertEquals("ok", reply.get("status").getAsString(), reply.toString());
        assertEquals(count, reply.get("execution_count").getAsInt());
        assertEquals(List.of(), capture.drain(500).stream().map(Message::type).toList(), "nothing on iopub");
        JsonObject tail = history.answer(request("{\"hist_access_type\": \"tail\", \"n\": 1000}"));
        assertEquals(kept, tail.getAsJsonArray("history").size());
        assertEquals(List.of("reply ok", "queued answered 0"), events, "an OK cell takes nothing off the queue");
    }

    @Test
    void userExpressionsAreEvaluatedAfterTheCell() {
        JsonObject reply = run(request("{\"code\": \"int base = 6;\", \"user_expressions\":"
                + " {\"a\": \"base * 7\", \"b\": \"base +\", \"c\": 5}}"));
        assertEquals("ok", reply.get("status").getAsString(), reply.toString());
        JsonObject results = reply.getAsJsonObject("user_expressions");
        JsonObject a = results.getAsJsonObject("a");
        assertEquals("ok", a.get("status").getAsString());
        assertEquals("42", a.getAsJsonObject("data").get("text/plain").getAsString());
        JsonObject b = results.getAsJsonObject("b");
        assertEquals("error", b.get("status").getAsString());
        assertTrue(b.has("ename") && b.has("evalue") && b.has("traceback"), b.toString());
        JsonObject c = results.getAsJsonObject("c");
        assertEquals("BadRequest", c.get("ename").getAsString());
        assertTrue(c.get("evalue").getAsString().contains("must be a string of Java code"), c.toString());
    }

    @Test
    void onControlWhileACellRunsAnExecuteRequestIsRefusedAndAnInterruptStopsTheCell() throws Exception {
        int count = execution.count() + 1;
        Message sleeping = cell("Thread.sleep(120_000);");
        CompletableFuture<Void> running = CompletableFuture.runAsync(() -> execution.execute(sleeping, recorder(), true));
        // execute_input is published with the one-cell lock held: from then on the cell is running.
        assertEquals("execute_input", capture.next().type());

        List<JsonObject> controlReplies = new ArrayList<>();
        execution.execute(cell("1 + 1"), (type, content) -> controlReplies.add(content), false);
        assertEquals(1, controlReplies.size(), "answered at once, without waiting for the cell");
        assertEquals("KernelBusy", controlReplies.get(0).get("ename").getAsString());
        assertEquals("error", controlReplies.get(0).get("status").getAsString());

        execution.interrupt(Message.create("client-session", "interrupt_request", null, new JsonObject(), List.of()));
        running.get(60, TimeUnit.SECONDS);
        JsonObject reply = replies.get(0);
        assertEquals("error", reply.get("status").getAsString());
        assertEquals("Interrupted", reply.get("ename").getAsString());
        assertEquals(count, reply.get("execution_count").getAsInt());
        replies.clear();
        assertEquals("ok", run(cell("int after = 1;")).get("status").getAsString(), "the next cell runs");
    }
}
