package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import threadbook.protocol.Message;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

/**
 * Execution's own rules, against a {@link FakeInterpreter} (no JVM is started, so each check takes
 * milliseconds): execution counts, stop-on-error aborting the queued cells, interrupts before and while a
 * cell runs, a lost session replaced. Replies and iopub go through the real sockets.
 */
class ExecutionSemanticsTest {
    private final FakeInterpreters fakes = new FakeInterpreters();
    private final IOPubCapture capture = new IOPubCapture();
    private final ZContext stdinContext = new ZContext();
    private final List<JsonObject> replies = new ArrayList<>();
    private List<Message> queued = List.of();
    private JShellSessions sessions;
    private Execution execution;

    @BeforeEach
    void create() {
        create(fakes.starter());
    }

    private void create(JShellSessions.Starter starter) {
        CellOutput output = new CellOutput(capture.iopub);
        StdinBridge stdin = new StdinBridge(stdinContext.createSocket(SocketType.PAIR),
                new WireCodec(new Signer(IOPubCapture.KEY)), IOPubCapture.JUPYTER_SESSION);
        sessions = new JShellSessions(starter);
        execution = new Execution(sessions, output, stdin, capture.iopub, new History(),
                () -> {
                    fakes.log("queued taken");
                    return queued;
                },
                answered -> fakes.log("queued answered " + answered.size()), new AtomicLong(), null);
    }

    @AfterEach
    void close() {
        execution.close();
        sessions.close();
        capture.close();
        stdinContext.close();
    }

    private static Message cell(String code, OffsetDateTime sent, boolean... flags) {
        JsonObject content = new JsonObject();
        content.addProperty("code", code);
        if (flags.length > 0) {
            content.addProperty("stop_on_error", flags[0]);
        }
        Message m = Message.create("client-session", "execute_request", null, content, List.of());
        if (sent != null) {
            m.header().addProperty("date", sent.format(DateTimeFormatter.ISO_OFFSET_DATE_TIME));
        }
        return m;
    }

    private static Message cell(String code) {
        return cell(code, null);
    }

    private JsonObject run(Message request) {
        List<JsonObject> got = new ArrayList<>();
        execution.execute(request, (type, content) -> {
            assertEquals("execute_reply", type);
            fakes.log("reply " + content.get("status").getAsString());
            got.add(content);
        }, true);
        assertEquals(1, got.size(), "one reply per request");
        return got.get(0);
    }

    private static Message interruptRequest() {
        return Message.create("client-session", "interrupt_request", null, new JsonObject(), List.of());
    }

    @Test
    void cellsAreCountedErrorsTooSilentOnesNot() {
        assertEquals(1, run(cell("1 + 1")).get("execution_count").getAsInt());
        assertEquals(2, run(cell("throw boom")).get("execution_count").getAsInt());
        Message quiet = cell("2 + 2");
        quiet.content().addProperty("silent", true);
        assertEquals(2, run(quiet).get("execution_count").getAsInt());
        Message unstored = cell("3 + 3");
        unstored.content().addProperty("store_history", false);
        assertEquals(2, run(unstored).get("execution_count").getAsInt());
        assertEquals(3, run(cell("4 + 4")).get("execution_count").getAsInt());
        assertEquals(3, execution.count());
        assertEquals(List.of("java 1 + 1", "java throw boom", "java 2 + 2", "java 3 + 3", "java 4 + 4"),
                fakes.logged().stream().filter(l -> l.startsWith("java")).toList());
    }

    @Test
    void anErrorAbortsTheQueuedCellsAfterItsReplyUnlessStopOnErrorIsOff() {
        queued = List.of(cell("5"), cell("6"));
        JsonObject reply = run(cell("throw boom"));
        assertEquals("error", reply.get("status").getAsString());
        assertEquals("RuntimeException", reply.get("ename").getAsString());
        // Taken before the reply (sent expecting success), answered after it (the error comes first).
        assertEquals(List.of("java throw boom", "queued taken", "reply error", "queued answered 2"), fakes.logged());

        fakes.clearLog();
        run(cell("throw again", null, false));
        assertEquals(List.of("java throw again", "reply error", "queued answered 0"), fakes.logged());

        fakes.clearLog();
        run(cell("7"));
        assertEquals(List.of("java 7", "reply ok", "queued answered 0"), fakes.logged());
    }

    @Test
    void anInterruptStopsTheCellThatRunsAndTheNextCellRuns() throws Exception {
        CompletableFuture<JsonObject> blocked = CompletableFuture.supplyAsync(() -> run(cell("block")));
        assertTrue(sessionStarted().awaitRunning(1), "the cell never started");
        execution.interrupt(interruptRequest());
        JsonObject reply = blocked.get(30, TimeUnit.SECONDS);
        assertEquals("error", reply.get("status").getAsString());
        assertEquals("Interrupted", reply.get("ename").getAsString());
        assertTrue(fakes.logged().contains("interrupt 1"), fakes.logged().toString());
        assertFalse(fakes.logged().contains("stop background work"), "a cell ran: only it is stopped");

        assertEquals("ok", run(cell("8")).get("status").getAsString());
        assertTrue(fakes.logged().contains("java 8"), fakes.logged().toString());
    }

    @Test
    void anInterruptWhileTheCellWaitsForItsSessionEndsItBeforeItStarts() throws Exception {
        CountDownLatch sessionStarts = new CountDownLatch(1);
        JShellSessions.Starter fake = fakes.starter();
        execution.close();
        sessions.close();
        create((replay, jars) -> {
            sessionStarts.await();
            return fake.start(replay, jars);
        });
        CompletableFuture<JsonObject> waiting = CompletableFuture.supplyAsync(() -> run(cell("1")));
        assertTrue(waitFor(execution::running), "the cell was never taken");
        execution.interrupt(interruptRequest());
        JsonObject reply = waiting.get(30, TimeUnit.SECONDS);
        assertEquals("Interrupted", reply.get("ename").getAsString());
        assertFalse(fakes.logged().contains("java 1"), fakes.logged().toString());
        assertFalse(fakes.logged().contains("interrupt 1"), "a cell with no session has nothing to stop in one");

        sessionStarts.countDown();
        assertEquals("ok", run(cell("2")).get("status").getAsString());
    }

    @Test
    void anInterruptWithNoCellRunningStopsBackgroundWorkAndTheCellsSentBeforeIt() throws Exception {
        assertEquals("ok", run(cell("1")).get("status").getAsString());
        OffsetDateTime before = OffsetDateTime.now(ZoneOffset.UTC).minusSeconds(1);
        execution.interrupt(interruptRequest());
        assertTrue(waitFor(() -> fakes.logged().contains("stop background work")), fakes.logged().toString());

        // Sent before the interrupt, taken from the queue after it: it ends without running.
        JsonObject early = run(cell("queued", before));
        assertEquals("error", early.get("status").getAsString());
        assertEquals("Interrupted", early.get("ename").getAsString());
        assertFalse(fakes.logged().contains("java queued"), fakes.logged().toString());

        // Sent after it: it runs.
        JsonObject late = run(cell("later", OffsetDateTime.now(ZoneOffset.UTC).plusSeconds(1)));
        assertEquals("ok", late.get("status").getAsString());
        assertTrue(fakes.logged().contains("java later"), fakes.logged().toString());
    }

    @Test
    void aLostSessionIsReplacedAndWhatItDefinedIsDefinedAgain() throws Exception {
        run(cell("int kept = 1;"));
        JsonObject lost = run(cell("exit"));
        assertEquals("JavaProcessEnded", lost.get("ename").getAsString());
        assertTrue(waitFor(() -> fakes.count() == 2), "no new session was started");
        assertTrue(fakes.get(0).closed());
        assertEquals(List.of("int kept = 1;"), fakes.get(1).definitions().stream().map(d -> d.source()).toList());
        assertEquals("ok", run(cell("kept")).get("status").getAsString());
    }

    private FakeInterpreter sessionStarted() throws Exception {
        assertTrue(waitFor(() -> fakes.count() > 0), "no session started");
        return fakes.get(0);
    }

    /** Polls {@code state} for up to 30 s (the machine may be loaded). */
    private static boolean waitFor(java.util.function.BooleanSupplier state) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (!state.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
