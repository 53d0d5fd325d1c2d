package threadbook.kernel;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import threadbook.jshell.JShellSession;
import threadbook.protocol.ConnectionInfo;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

/**
 * The kernel's server side: the sockets, one thread per channel, and the dispatch of requests to the
 * code that answers them. Shell requests are answered one at a time, in order, like ipykernel; control
 * requests (interrupt, shutdown) have their own thread so they are answered while a cell runs.
 */
public final class Kernel {
    private static final Logger LOG = Logger.getLogger(Kernel.class.getName());

    private final String session = UUID.randomUUID().toString();
    private final KernelSockets sockets;
    private final WireCodec codec;
    private final IOPub iopub;
    private final CellOutput output;
    private final StdinBridge stdin;
    private final Sessions sessions;
    private final Execution execution;
    private final Assistance assistance;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;

    public Kernel(ConnectionInfo info, SessionFactory factory) {
        this.sockets = new KernelSockets(info);
        this.codec = new WireCodec(new Signer(info.key()));
        this.iopub = new IOPub(sockets.iopub, codec, session);
        this.output = new CellOutput(iopub);
        this.stdin = new StdinBridge(sockets.stdin, codec, session);
        this.sessions = new Sessions(replay -> factory.start(stdin, output::accept, replay));
        this.execution = new Execution(sessions, output, stdin, iopub, this::reply, this::abortQueuedExecutions);
        this.assistance = new Assistance(sessions);
    }

    /** Starts a JShell session that reads stdin from {@code stdin} and sends agent events to {@code events}. */
    public interface SessionFactory {
        JShellSession start(JShellSession.InputProvider stdin, java.util.function.Consumer<threadbook.agent.Event> events,
                            java.util.List<threadbook.jshell.Definition> replay) throws Exception;
    }

    /** Serves until a shutdown request; returns then. */
    public void run() {
        start("threadbook-heartbeat", this::heartbeat);
        start("threadbook-control", this::controlLoop);
        start("threadbook-shell", this::shellLoop);
        iopub.status("starting", null);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
    }

    private void heartbeat() {
        while (running) {
            List<byte[]> frames = KernelSockets.receive(sockets.heartbeat, 200);
            if (frames != null) {
                KernelSockets.send(sockets.heartbeat, frames);
            }
        }
    }

    private void shellLoop() {
        while (running) {
            Message request = receive(sockets.shell, 200);
            if (request == null) {
                continue;
            }
            handle(sockets.shell, request);
        }
    }

    private void controlLoop() {
        while (running) {
            Message request = receive(sockets.control, 200);
            if (request != null) {
                handle(sockets.control, request);
            }
        }
    }

    /** The next well-formed, correctly signed message, or null. Bad ones are logged and dropped. */
    private Message receive(ZMQ.Socket socket, int timeoutMillis) {
        List<byte[]> frames = KernelSockets.receive(socket, timeoutMillis);
        if (frames == null) {
            return null;
        }
        try {
            return codec.decode(frames);
        } catch (WireCodec.BadMessageException e) {
            LOG.warning("dropped a message: " + e.getMessage());
            return null;
        }
    }

    /** Answers one request, between busy and idle. */
    private void handle(ZMQ.Socket socket, Message request) {
        iopub.status("busy", request.header());
        try {
            switch (request.type()) {
                case "kernel_info_request":
                    reply(socket, request, "kernel_info_reply", KernelInfo.content());
                    return;
                case "execute_request":
                    execution.execute(socket, request);
                    return;
                case "complete_request":
                    reply(socket, request, "complete_reply", assistance.complete(request));
                    return;
                case "inspect_request":
                    reply(socket, request, "inspect_reply", assistance.inspect(request));
                    return;
                case "is_complete_request":
                    reply(socket, request, "is_complete_reply", assistance.isComplete(request));
                    return;
                case "history_request":
                    reply(socket, request, "history_reply", execution.history(request));
                    return;
                case "comm_info_request":
                    JsonObject comms = new JsonObject();
                    comms.addProperty("status", "ok");
                    comms.add("comms", new JsonObject());
                    reply(socket, request, "comm_info_reply", comms);
                    return;
                case "comm_open":
                    // No comm targets: tell the frontend the comm is closed, as ipykernel does.
                    JsonObject close = new JsonObject();
                    close.addProperty("comm_id", request.contentString("comm_id", ""));
                    close.add("data", new JsonObject());
                    iopub.publish("comm_close", request.header(), close);
                    return;
                case "comm_msg":
                case "comm_close":
                    return;
                case "interrupt_request":
                    interrupt(socket, request);
                    return;
                case "shutdown_request":
                    shutdown(socket, request);
                    return;
                default:
                    LOG.warning("ignored a request of unknown type '" + request.type() + "'");
                    return;
            }
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "failed to answer " + request.type(), e);
            return;
        } finally {
            iopub.status("idle", request.header());
        }
    }

    /**
     * After a failed cell, the cells the frontend already queued are not run (their reply says
     * "aborted"), like ipykernel does: they were written expecting the failed one to succeed.
     */
    private void abortQueuedExecutions() {
        Message queued;
        while ((queued = receive(sockets.shell, 0)) != null) {
            if (queued.type().equals("execute_request")) {
                iopub.status("busy", queued.header());
                JsonObject content = new JsonObject();
                // No execution_count, as ipykernel: Notebook then shows the skipped cell as not run ("In [ ]").
                content.addProperty("status", "aborted");
                reply(sockets.shell, queued, "execute_reply", content);
                iopub.status("idle", queued.header());
            } else {
                handle(sockets.shell, queued);
            }
        }
    }

    private void interrupt(ZMQ.Socket socket, Message request) {
        stdin.cancel();
        execution.interrupt(request);
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        reply(socket, request, "interrupt_reply", content);
    }

    private void shutdown(ZMQ.Socket socket, Message request) {
        boolean restart = request.contentBoolean("restart", false);
        JsonObject content = new JsonObject();
        content.addProperty("status", "ok");
        content.addProperty("restart", restart);
        reply(socket, request, "shutdown_reply", content);
        iopub.publish("shutdown_reply", request.header(), content);
        LOG.info("shutting down" + (restart ? " for a restart" : ""));
        stop();
    }

    /** Ends the Java session and every process it started, then the sockets. */
    public void stop() {
        running = false;
        sessions.close();
        iopub.close();
        stopped.countDown();
    }

    void reply(ZMQ.Socket socket, Message request, String type, JsonObject content) {
        Message reply = request.reply(session, type, content);
        synchronized (socket) {
            KernelSockets.send(socket, codec.encode(reply));
        }
    }

    /** Closes the sockets (after {@link #run} returned). */
    public void close() {
        sockets.close();
    }
}
