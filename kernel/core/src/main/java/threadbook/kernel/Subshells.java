package threadbook.kernel;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.logging.Logger;
import threadbook.jshell.Interpreter;
import threadbook.protocol.Message;

/**
 * The kernel's subshells (JEP 91, as ipykernel 7 has them): created, listed and deleted on the control
 * channel; each has a thread that runs its shell requests in order, its own execution count and history,
 * and runs its cells in the notebook's Java session beside the main shell's (see JShellSession's
 * subshell runs): what is defined is shared, the counts and the history are not.
 */
final class Subshells {
    private static final Logger LOG = Logger.getLogger(Subshells.class.getName());

    /** One subshell: its requests' queue, the thread that runs them, and its own execution state. */
    record Subshell(String id, BlockingQueue<Message> queue, Execution execution, History history, Thread thread) {}

    /** How a subshell's requests are answered (the kernel's dispatch, with the subshell's state). */
    interface Handler {
        void handle(Subshell subshell, Message request);
    }

    private final Map<String, Subshell> all = new ConcurrentHashMap<>();
    private final Function<Subshells.Parts, Execution> executions;
    private final JShellSessions sessions;
    private volatile Handler handler;

    /** What a subshell's Execution is made of, besides what every shell shares. */
    record Parts(String id, History history, java.util.function.Supplier<List<Message>> takeQueued) {}

    Subshells(JShellSessions sessions, Function<Parts, Execution> executions) {
        this.sessions = sessions;
        this.executions = executions;
    }

    void handler(Handler handler) {
        this.handler = handler;
    }

    JsonObject create() {
        String id = UUID.randomUUID().toString();
        BlockingQueue<Message> queue = new LinkedBlockingQueue<>();
        History history = new History();
        Execution execution = executions.apply(new Parts(id, history, () -> {
            List<Message> queued = new java.util.ArrayList<>();
            queue.drainTo(queued);
            return queued;
        }));
        Thread thread = new Thread(() -> serve(id, queue, execution), "threadbook-subshell-" + id.substring(0, 8));
        thread.setDaemon(true);
        Subshell subshell = new Subshell(id, queue, execution, history, thread);
        all.put(id, subshell);
        thread.start();
        JsonObject reply = ok();
        reply.addProperty("subshell_id", id);
        return reply;
    }

    /**
     * Runs the subshell's requests until it is deleted; then closes its connection to the agent. Never
     * interrupted: a thread interrupted while it reads JShell's socket would close it, and JShell takes a
     * closed connection for a dead Java process.
     */
    private void serve(String id, BlockingQueue<Message> queue, Execution execution) {
        threadbook.jshell.JShellSession.bindSubshell(id);
        try {
            while (all.containsKey(id)) {
                try {
                    Message request = queue.poll(200, TimeUnit.MILLISECONDS);
                    Subshell subshell = all.get(id);
                    if (request != null && subshell != null) {
                        handler.handle(subshell, request);
                    }
                } catch (InterruptedException e) {
                    return;
                } catch (RuntimeException e) {
                    LOG.log(java.util.logging.Level.SEVERE, "a subshell's request failed; the subshell goes on", e);
                }
            }
        } finally {
            execution.close();
            Interpreter session = sessions.ifStarted();
            if (session != null) {
                session.closeSubshell(id);
            }
        }
    }

    JsonObject delete(Message request) {
        String id = request.contentString("subshell_id", "");
        Subshell subshell = all.remove(id);
        if (subshell == null) {
            return unknown(id);
        }
        // Its running cell, if any, is stopped (nobody could see its end any more); its thread then ends.
        subshell.execution().interrupt(request);
        return ok();
    }

    JsonObject list() {
        JsonObject reply = ok();
        JsonArray ids = new JsonArray();
        all.keySet().stream().sorted().forEach(ids::add);
        reply.add("subshell_id", ids);
        return reply;
    }

    /** The subshell a shell request names in its header, null for the main shell. */
    static String idOf(Message request) {
        var id = request.header().get("subshell_id");
        return id == null || !id.isJsonPrimitive() ? null : id.getAsString();
    }

    Subshell get(String id) {
        return id == null ? null : all.get(id);
    }

    /** Queues a request for its subshell; false if there is no such subshell. */
    boolean dispatch(String id, Message request) {
        Subshell subshell = all.get(id);
        if (subshell == null) {
            return false;
        }
        subshell.queue().add(request);
        return true;
    }

    /**
     * An interrupt_request: one that names a subshell stops that subshell's cell only. One that names none
     * (the notebook's ■; JupyterLab sends a subshell console's ■ through the server, which names none
     * either) is the main shell's when a cell of the notebook runs; otherwise it stops the subshells' cells.
     * Returns whether it was handled here (false: the main shell's interrupt, as without subshells).
     */
    boolean interrupt(Message request, boolean mainRunning) {
        String id = idOf(request);
        if (id != null) {
            Subshell subshell = all.get(id);
            if (subshell != null) {
                subshell.execution().interrupt(request);
            }
            return true;
        }
        if (mainRunning) {
            return false;
        }
        List<Subshell> busy = all.values().stream().filter(s -> s.execution().running()).toList();
        busy.forEach(s -> s.execution().interrupt(request));
        return !busy.isEmpty();
    }

    static JsonObject unknown(String id) {
        JsonObject reply = new JsonObject();
        reply.addProperty("status", "error");
        reply.addProperty("ename", "UnknownSubshellError");
        reply.addProperty("evalue", "Unknown subshell_id '" + id + "'");
        reply.add("traceback", new JsonArray());
        return reply;
    }

    private static JsonObject ok() {
        JsonObject reply = new JsonObject();
        reply.addProperty("status", "ok");
        return reply;
    }
}
