package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.MimeBundle;
import threadbook.jshell.CellResult;
import threadbook.jshell.Interpreter;
import threadbook.protocol.Message;
import threadbook.remote.CellRun;

/**
 * execute_request: runs cells in order, counts them, and reports how they ended (the reply, and iopub's
 * execute_input, execute_result and error). Each cell's run is a CellRun, which an interrupt_request stops
 * (see Interrupts).
 */
final class Execution {
    private static final Logger LOG = Logger.getLogger(Execution.class.getName());

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
    private final Interrupts interrupts;
    private volatile int executionCount;

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
        this.interrupts = new Interrupts(sessions, output, cellIds, subshell, System::nanoTime);
    }

    int count() {
        return executionCount;
    }

    /** A deleted subshell's: its stop threads end once the stops already asked for are done. */
    void close() {
        interrupts.close();
    }

    /** Whether a cell of this shell runs (or waits for its session) now. */
    boolean running() {
        return interrupts.running();
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

        CellRun run = interrupts.taken(cell, request);
        CellResult result;
        try {
            result = run(request, run, session -> steps.run(session, run, "[" + count + "]", code));
        } finally {
            interrupts.ended(run);
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
            reply.add("user_expressions", userExpressions(request, run));
        }
        reply.add("payload", CellOutput.pagePayload(output.takePages(cell)));
        // Taken before the reply: what is queued now was sent expecting this cell to succeed; what the
        // frontend sends after seeing the error must run. Answered after it: the error comes first.
        List<Message> aborted = result.isError() && stopOnError && fromShell ? takeQueued.get() : List.of();
        replyTo.send("execute_reply", reply);
        if (result.status() == CellResult.Status.INTERRUPTED && subshell == null) {
            // After the reply, which an interrupt must not wait for; before idle, so that the frontend
            // shows it under the cell.
            interrupts.reportLeftovers(cell);
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
            CellRun run = interrupts.taken(cell, null);
            CellResult result;
            try {
                result = run(request, run, session -> steps.rerun(session, run, asked));
            } finally {
                interrupts.ended(run);
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

    private CellResult run(Message request, CellRun run, java.util.function.Function<Interpreter, CellResult> body) {
        Interpreter session;
        try {
            session = sessions.get(run::stopRequested);
        } catch (JShellSessions.StartFailure e) {
            return CellResult.error("JavaNotStarted", e.getMessage(), List.of(e.getMessage()));
        }
        if (!interrupts.started(run, session)) {
            return CellResult.interrupted("The cell was interrupted before it started.");
        }
        if (subshell != null) {
            return body.apply(session); // input() is the notebook's (see README)
        }
        stdin.begin(request, run.id());
        try {
            return body.apply(session);
        } finally {
            stdin.end();
        }
    }

    /** A magic's restart (see CellSteps.Restarter): an interrupt from now on reaches the new session. */
    private Interpreter restart(Interpreter old, List<java.nio.file.Path> jars) throws JShellSessions.StartFailure {
        Interpreter fresh = sessions.restartWith(old, jars);
        interrupts.restarted(fresh);
        return fresh;
    }

    /** Evaluates the request's user_expressions after the cell, as the protocol asks. */
    private JsonObject userExpressions(Message request, CellRun run) {
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
                    r = sessions.get().runJava(run, "[user expression]", value.getAsString());
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

    /** See Interrupts.interrupt. */
    void interrupt(Message request) {
        interrupts.interrupt(request);
    }
}
