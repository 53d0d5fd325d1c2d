package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.MimeBundle;
import threadbook.jshell.CellResult;
import threadbook.jshell.Interpreter;
import threadbook.protocol.Message;

/**
 * execute_request and interrupt_request: runs cells in order, counts them, and reports how they ended
 * (the reply, and iopub's execute_input, execute_result and error).
 */
final class Execution {
    private static final Logger LOG = Logger.getLogger(Execution.class.getName());
    /** How long an interrupted cell may take to stop before the Java process is restarted. */
    private static final long INTERRUPT_GRACE_MILLIS = 1_000;

    private final JShellSessions sessions;
    private final CellOutput output;
    private final StdinBridge stdin;
    private final IOPub iopub;
    private final java.util.function.Supplier<List<Message>> takeQueued;
    private final java.util.function.Consumer<List<Message>> answerQueued;
    /** One cell at a time, whichever channel asked: the JShell session and the stdin bridge are one. */
    private final java.util.concurrent.locks.ReentrantLock oneCellAtATime = new java.util.concurrent.locks.ReentrantLock();
    private final History history;
    private final CellSteps steps;
    /** Shared by every shell: a cell's number names its output and its threads in the session. */
    private final AtomicLong cellIds;
    /** The subshell whose cells this runs, null for the main shell (see Subshells). */
    private final String subshell;
    private final WidgetReruns reruns = new WidgetReruns();
    private volatile int executionCount;

    // What an interrupt acts on. A cell is "current" from the moment its request is taken from the queue
    // until its code has ended (its reply may still be on its way). Guarded by cellLock.
    private final Object cellLock = new Object();
    private long currentCell;
    /** The session the current cell runs in, once it has one. */
    private Interpreter currentSession;
    /** The last cell an interrupt ended (or is ending). */
    private long interruptedCell;
    /**
     * When an interrupt came that found no current cell (as the frontend's header dates it), null if none:
     * the cells the frontend sent before it (still queued, or taken from the queue just after it) end as
     * interrupted before they start; the first one sent after it clears this.
     */
    private OffsetDateTime pendingInterrupt;
    private long pendingSince;
    private final java.util.concurrent.atomic.AtomicBoolean stoppingBackground = new java.util.concurrent.atomic.AtomicBoolean();
    // Made in advance: when the notebook's threads took every pid the user may have, an interrupt must still
    // work (it stops the cell through JDI on these threads; one made per interrupt could not be made).
    /** Stops the current cell (an interrupt with a cell running); one stop at a time is enough. */
    private final threadbook.remote.Stopper interrupter = new threadbook.remote.Stopper("threadbook-interrupt");
    /** Stops what cells left running (seconds with thousands of threads), beside the interrupter. */
    private final threadbook.remote.Stopper backgroundStopper = new threadbook.remote.Stopper("threadbook-stop-background");

    Execution(JShellSessions sessions, CellOutput output, StdinBridge stdin, IOPub iopub, History history,
              java.util.function.Supplier<List<Message>> takeQueued,
              java.util.function.Consumer<List<Message>> answerQueued, AtomicLong cellIds, String subshell) {
        this.cellIds = cellIds;
        this.subshell = subshell;
        this.takeQueued = takeQueued;
        this.answerQueued = answerQueued;
        this.sessions = sessions;
        this.output = output;
        this.stdin = stdin;
        this.iopub = iopub;
        this.history = history;
        this.steps = new CellSteps(threadbook.magic.Magics.standard(), output, this::restart, iopub, reruns);
    }

    int count() {
        return executionCount;
    }

    /** A deleted subshell's: its stop threads end once the stops already asked for are done. */
    void close() {
        interrupter.close();
        backgroundStopper.close();
    }

    /** Whether a cell of this shell runs (or waits for its session) now. */
    boolean running() {
        synchronized (cellLock) {
            return currentCell != 0;
        }
    }

    /**
     * Runs the request's cell and replies. The spec allows an execute_request on the control channel; it
     * runs when no cell does, and is refused with an error reply while one runs (waiting would hold up
     * interrupts, and running two cells at once in one session would mix them up).
     */
    void execute(Message request, Reply reply, boolean fromShell) {
        String code = request.contentString("code", "");
        boolean silent = request.contentBoolean("silent", false);
        boolean storeHistory = !silent && request.contentBoolean("store_history", true);
        boolean stopOnError = request.contentBoolean("stop_on_error", true);
        if (fromShell) {
            oneCellAtATime.lock();
        } else if (!oneCellAtATime.tryLock()) {
            JsonObject busy = new JsonObject();
            busy.addProperty("status", "error");
            busy.addProperty("execution_count", executionCount);
            busy.addProperty("ename", "KernelBusy");
            busy.addProperty("evalue", "A cell is running: an execute_request on the control channel runs only"
                    + " when no cell does. Send it on the shell channel to queue it.");
            busy.add("traceback", new JsonArray());
            reply.send("execute_reply", busy);
            return;
        }
        try {
            execute(request, reply, fromShell, code, silent, storeHistory, stopOnError);
        } finally {
            oneCellAtATime.unlock();
        }
    }

    private void execute(Message request, Reply replyTo, boolean fromShell, String code, boolean silent,
                         boolean storeHistory, boolean stopOnError) {
        if (storeHistory) {
            executionCount++;
        }
        int count = executionCount;
        long cell = cellIds.incrementAndGet();
        output.register(cell, request.header());
        if (!silent) {
            iopub.executeInput(request.header(), code, count);
        }
        if (storeHistory) {
            history.add(count, code);
        }

        synchronized (cellLock) {
            currentCell = cell;
            OffsetDateTime sent = dateOf(request);
            // The kernel's own clock bounds how long the interrupt waits: the frontend's may be off.
            boolean fresh = System.nanoTime() - pendingSince < java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
            if (pendingInterrupt != null && sent != null && !sent.isAfter(pendingInterrupt) && fresh) {
                interruptedCell = cell;
            } else {
                pendingInterrupt = null;
            }
        }
        CellResult result;
        try {
            result = run(request, cell, "[" + count + "]", code);
        } finally {
            synchronized (cellLock) {
                currentCell = 0;
                currentSession = null;
            }
        }

        JsonObject reply = new JsonObject();
        reply.addProperty("execution_count", count);
        if (result.isError()) {
            iopub.error(request.header(), result);
            reply.addProperty("status", "error");
            IOPub.errorContent(result).entrySet().forEach(e -> reply.add(e.getKey(), e.getValue()));
        } else {
            if (!result.notes().isEmpty()) {
                output.stream(cell, "stderr", String.join("\n", result.notes()) + "\n");
            }
            JsonObject data = result.value() != null && !silent ? resultData(result.value()) : null;
            if (data != null) {
                iopub.executeResult(request.header(), count, data);
                if (storeHistory) {
                    history.setOutput(count, result.value());
                }
            }
            reply.addProperty("status", "ok");
            reply.add("user_expressions", userExpressions(request, cell));
        }
        reply.add("payload", CellOutput.pagePayload(output.takePages(cell)));
        // Taken before the reply: what is queued now was sent expecting this cell to succeed; what the
        // frontend sends after seeing the error must run. Answered after it: the error comes first.
        List<Message> aborted = result.isError() && stopOnError && fromShell ? takeQueued.get() : List.of();
        replyTo.send("execute_reply", reply);
        if (result.status() == CellResult.Status.INTERRUPTED && subshell == null) {
            // After the reply, which an interrupt must not wait for; before idle, so that the frontend
            // shows it under the cell.
            reportLeftovers(cell);
        }
        answerQueued.accept(aborted);
        if (result.status() == CellResult.Status.SESSION_LOST) {
            sessions.replaceIfDead();
        }
    }

    /**
     * The execute_result data of a cell's value: JShell's text, plus the value's rich forms (HTML, an
     * image...). Null when the value showed itself already (a CompletableFuture updates in place).
     */
    private JsonObject resultData(String text) {
        JsonObject data = new JsonObject();
        MimeBundle rich = null;
        Interpreter session = sessions.ifStarted();
        try {
            rich = session == null || !session.lastValueIsRich() ? null : session.agent().richValue();
        } catch (AgentException e) {
            LOG.fine(() -> "no rich value: " + e);
        }
        if (rich != null) {
            if (rich.entries().isEmpty()) {
                return null;
            }
            for (MimeBundle.Entry entry : rich.entries()) {
                CellOutput.putData(data, entry.mimeType(), entry.data());
            }
        }
        if (!data.has("text/plain")) {
            data.addProperty("text/plain", text);
        }
        return data;
    }

    /**
     * A comm message from the frontend (already forwarded to the session): when it sets the value of a
     * widget a magic made to be re-run by (%%compare --slider), runs that magic again now, on the shell
     * thread as a cell is, with no execution count and no reply; its output is parented to the message.
     */
    void commFromFrontend(Message request) {
        WidgetReruns.Asked asked = reruns.askedBy(request);
        if (asked == null) {
            return;
        }
        oneCellAtATime.lock();
        try {
            long cell = cellIds.incrementAndGet();
            output.register(cell, request.header());
            synchronized (cellLock) {
                currentCell = cell;
            }
            CellResult result;
            try {
                result = run(request, cell, session -> steps.rerun(session, cell, asked));
            } finally {
                synchronized (cellLock) {
                    currentCell = 0;
                    currentSession = null;
                }
            }
            if (result.status() == CellResult.Status.SESSION_LOST) {
                sessions.replaceIfDead();
            }
        } finally {
            oneCellAtATime.unlock();
        }
    }

    /** The last Java session ended: the widgets that re-ran magics went with it. */
    void sessionStarted() {
        reruns.clear();
    }

    private CellResult run(Message request, long cell, String label, String code) {
        return run(request, cell, session -> steps.run(session, cell, label, code));
    }

    private CellResult run(Message request, long cell, java.util.function.Function<Interpreter, CellResult> body) {
        Interpreter session;
        try {
            session = sessions.get(() -> interrupted(cell));
        } catch (JShellSessions.StartFailure e) {
            return CellResult.error("JavaNotStarted", e.getMessage(), List.of(e.getMessage()));
        }
        synchronized (cellLock) {
            if (session == null || interruptedCell == cell) {
                return CellResult.interrupted("The cell was interrupted before it started.");
            }
            currentSession = session;
        }
        if (subshell != null) {
            return body.apply(session); // input() is the notebook's (see README)
        }
        stdin.begin(request, cell);
        try {
            return body.apply(session);
        } finally {
            stdin.end();
        }
    }

    /** A magic's restart (see CellSteps.Restarter): an interrupt from now on reaches the new session. */
    private Interpreter restart(Interpreter old, List<java.nio.file.Path> jars) throws JShellSessions.StartFailure {
        Interpreter fresh = sessions.restartWith(old, jars);
        synchronized (cellLock) {
            currentSession = fresh;
        }
        return fresh;
    }

    private boolean interrupted(long cell) {
        synchronized (cellLock) {
            return interruptedCell == cell;
        }
    }

    /** When the frontend sent the message (its header's date), or null if it does not say. */
    private static OffsetDateTime dateOf(Message message) {
        if (!message.header().has("date") || !message.header().get("date").isJsonPrimitive()) {
            return null;
        }
        String date = message.header().get("date").getAsString();
        try {
            return OffsetDateTime.parse(date);
        } catch (DateTimeParseException e) {
            try {
                return java.time.LocalDateTime.parse(date).atOffset(java.time.ZoneOffset.UTC); // no zone: UTC, as jupyter_client
            } catch (DateTimeParseException unreadable) {
                return null;
            }
        }
    }

    /** After an interrupt, names what the cell started that is still running, and how to stop it. */
    private void reportLeftovers(long cell) {
        Interpreter session = sessions.ifStarted();
        if (session == null || !session.isAlive()) {
            return;
        }
        List<String> lines = new java.util.ArrayList<>();
        try {
            for (String t : session.agent().threads(10)) {
                lines.add(t.startsWith("and ") ? "  " + t : "  thread " + t.strip());
            }
            for (String w : session.agent().workers()) {
                if (w.startsWith("worker")) {
                    lines.add("  " + w.strip());
                }
            }
        } catch (Exception e) {
            return;
        }
        if (!lines.isEmpty()) {
            output.stream(cell, "stderr", "Still running after the interrupt:\n" + String.join("\n", lines)
                    + "\nInterrupt again (with no cell running) to stop them, or use %threads stop / %workers stop.\n");
        }
    }

    /** Evaluates the request's user_expressions after the cell, as the protocol asks. */
    private JsonObject userExpressions(Message request, long cell) {
        JsonObject results = new JsonObject();
        if (!request.content().has("user_expressions") || !request.content().get("user_expressions").isJsonObject()) {
            return results;
        }
        JsonObject expressions = request.content().getAsJsonObject("user_expressions");
        for (String name : expressions.keySet()) {
            var value = expressions.get(name);
            CellResult r;
            if (!value.isJsonPrimitive() || !value.getAsJsonPrimitive().isString()) {
                String why = "the user expression '" + name + "' must be a string of Java code, not " + value;
                r = CellResult.error("BadRequest", why, List.of(why));
            } else {
                try {
                    r = sessions.get().runJava(cell, "[user expression]", value.getAsString());
                } catch (JShellSessions.StartFailure e) {
                    r = CellResult.error("JavaNotStarted", e.getMessage(), List.of());
                }
            }
            JsonObject one = new JsonObject();
            if (r.isError()) {
                one.addProperty("status", "error");
                IOPub.errorContent(r).entrySet().forEach(e -> one.add(e.getKey(), e.getValue()));
            } else {
                one.addProperty("status", "ok");
                JsonObject data = new JsonObject();
                data.addProperty("text/plain", r.value() == null ? "" : r.value());
                one.add("data", data);
                one.add("metadata", new JsonObject());
            }
            results.add(name, one);
        }
        return results;
    }

    /**
     * From the control thread, returning at once: stops the current cell, escalating to a restart if it
     * will not stop. With no cell current (a second interrupt), stops the threads and worker processes
     * cells left, in the background, and notes it under the last cell; cells sent before this interrupt
     * and not yet taken from the queue will end without running.
     */
    void interrupt(Message request) {
        long cell;
        Interpreter session;
        synchronized (cellLock) {
            cell = currentCell;
            if (cell == 0) {
                pendingInterrupt = dateOf(request);
                pendingSince = System.nanoTime();
            } else {
                interruptedCell = cell;
            }
            session = currentSession;
        }
        if (cell == 0) {
            if (subshell == null) {
                stopBackgroundWork(cellIds.get());
            }
            return;
        }
        if (session == null) {
            return; // the cell is waiting for its session: it sees interruptedCell and ends
        }
        if (subshell != null) {
            interrupter.submit(() -> {
                if (!session.interruptSubshell(subshell, cell, INTERRUPT_GRACE_MILLIS)) {
                    output.stream(cell, "stderr", "The cell did not stop within " + INTERRUPT_GRACE_MILLIS
                            + " ms (it catches the stop, or waits for a lock). The Java process is left running for"
                            + " the notebook's sake: restart the kernel to end it.\n");
                }
            });
            return;
        }
        interrupter.submit(() -> {
            String deadlock = session.deadlockReport();
            if (deadlock != null) {
                output.stream(cell, "stderr", deadlock);
            }
            boolean stopped = session.interrupt(cell, INTERRUPT_GRACE_MILLIS);
            if (!stopped) {
                LOG.warning("the cell did not stop within " + INTERRUPT_GRACE_MILLIS + " ms; restarted the Java process");
            }
        });
    }

    /**
     * Stops what cells left running, on a thread of its own (with thousands of threads it takes seconds,
     * and the control channel must go on answering); says so under {@code lastCell}, the cell that ran
     * before the interrupt.
     */
    private void stopBackgroundWork(long lastCell) {
        Interpreter session = sessions.ifStarted();
        if (session == null || !stoppingBackground.compareAndSet(false, true)) {
            return;
        }
        backgroundStopper.submit(() -> {
            try {
                threadbook.remote.BackgroundStop done = session.stopBackgroundWork();
                if (!done.stopped().isEmpty()) {
                    output.stream(lastCell, "stderr", "Interrupt: stopped " + summary(done.stopped()) + ".\n");
                }
                if (!done.stuck().isEmpty()) {
                    output.stream(lastCell, "stderr", "Interrupt: could not stop " + summary(done.stuck())
                            + ": they wait for locks that are never released (a deadlock; %threads names it)."
                            + " Restart the kernel to end them.\n");
                }
            } finally {
                stoppingBackground.set(false);
            }
        });
    }

    /** The first few names, and how many more: thousands of thread names help nobody. */
    static String summary(List<String> names) {
        int shown = Math.min(names.size(), 10);
        String first = String.join(", ", names.subList(0, shown));
        return shown == names.size() ? first : first + " and " + (names.size() - shown) + " more";
    }
}
