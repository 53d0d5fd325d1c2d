package threadbook.kernel;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import threadbook.jshell.InputProvider;
import threadbook.jshell.JShellSession;
import threadbook.protocol.ConnectionInfo;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

/**
 * The kernel's server side: the sockets, one thread per channel, and the dispatch of requests to the
 * code that answers them. Shell requests are answered one at a time, in order, like ipykernel; control
 * requests (interrupt, shutdown) have their own thread so they are answered while a cell runs. A shell
 * request that names a subshell is answered by that subshell's thread instead (see Subshells), taken off
 * the socket by the shell router (see ShellRouter) while the main shell may be running a cell.
 */
public final class Kernel {
    private static final Logger LOG = Logger.getLogger(Kernel.class.getName());

    /** The Jupyter session id of the kernel's messages (not a JShell session: see {@link JShellSessions}). */
    private final String jupyterSession = UUID.randomUUID().toString();
    private final KernelSockets sockets;
    private final WireCodec codec;
    private final IOPub iopub;
    private final CellOutput output;
    private final StdinBridge stdin;
    private final JShellSessions sessions;
    private final History history = new History();
    private final Execution execution;
    private final Subshells subshells;
    private final ShellRouter shellRouter;
    /** The main shell's requests, as the router took them off the socket. */
    private final java.util.concurrent.BlockingQueue<Message> mainShell = new java.util.concurrent.LinkedBlockingQueue<>();
    private final Assistance assistance;
    private final threadbook.debug.Debugger debugger;
    private final Comms comms;
    private final CountDownLatch stopped = new CountDownLatch(1);
    private volatile boolean running = true;
    private volatile Thread shellThread;
    private volatile Thread mainShellThread;
    private volatile Thread heartbeatThread;
    private volatile Thread controlThread;

    public Kernel(ConnectionInfo info, SessionFactory factory) {
        // The sockets first (a few milliseconds): the Java session opens loopback ports and connections of
        // its own, and one of them could otherwise take a port of the connection file before the kernel binds
        // it. Then the session, which takes the longest: the channels and the debugger are made meanwhile, and
        // what it sends before they exist waits.
        this.sockets = new KernelSockets(info);
        threadbook.remote.StartupLog.stage("sockets bound");
        Handover handover = new Handover();
        this.sessions = new JShellSessions((replay, startupJars) -> {
            JShellSession started = factory.start(handover, handover, replay, startupJars);
            handover.awaitAttached();
            sessionStarted(started);
            return started;
        });
        this.codec = new WireCodec(new Signer(info.key()));
        this.iopub = new IOPub(sockets.iopub, codec, jupyterSession);
        this.output = new CellOutput(iopub);
        this.stdin = new StdinBridge(sockets.stdin, codec, jupyterSession);
        this.debugger = new threadbook.debug.Debugger(iopub::debugEvent);
        java.util.concurrent.atomic.AtomicLong cellIds = new java.util.concurrent.atomic.AtomicLong();
        this.execution = new Execution(sessions, output, stdin, iopub, history, this::takeQueued, this::answerQueued,
                cellIds, null);
        this.subshells = new Subshells(sessions, parts -> new Execution(sessions, output, stdin, iopub, parts.history(),
                parts.takeQueued(), this::answerQueued, cellIds, parts.id()));
        subshells.handler((subshell, request) -> handle(sockets.shell, request));
        this.shellRouter = new ShellRouter(sockets, codec, this::route);
        this.assistance = new Assistance(sessions, threadbook.assist.QuickAssist.forNotebook());
        this.comms = new Comms(iopub, this::sessionForComms, output::parentOf);
        handover.attach(event -> {
            if (event instanceof threadbook.agent.Event.Comm comm) {
                comms.fromAgent(comm);
            } else {
                output.accept(event);
            }
        }, stdin);
    }

    private void sessionStarted(JShellSession started) {
        comms.sessionStarted();
        execution.sessionStarted();
        debugger.sessionStarted(started);
    }

    private threadbook.jshell.Interpreter sessionForComms() {
        try {
            return sessions.get();
        } catch (JShellSessions.StartFailure e) {
            LOG.warning("a comm message found no Java session: " + e.getMessage());
            return null;
        }
    }

    /** Starts a JShell session that reads stdin from {@code stdin} and sends agent events to {@code events}. */
    public interface SessionFactory {
        JShellSession start(InputProvider stdin, java.util.function.Consumer<threadbook.agent.Event> events,
                            java.util.List<threadbook.jshell.Definition> replay, java.util.List<java.nio.file.Path> startupJars)
                throws Exception;
    }

    /** Serves until a shutdown request; returns then. */
    public void run() {
        heartbeatThread = start("threadbook-heartbeat",
                new Heartbeat(sockets.heartbeat, () -> running, this::canServe, this::stop));
        controlThread = start("threadbook-control", () -> serve(sockets.control));
        mainShellThread = start("threadbook-main-shell", this::serveMainShell);
        shellThread = start("threadbook-shell", () -> shellRouter.serve(sockets, () -> running));
        iopub.status("starting", null);
        try {
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Thread start(String name, Runnable body) {
        Thread t = new Thread(body, name);
        t.setDaemon(true);
        t.start();
        return t;
    }

    /** Whether every channel's thread still runs (see Heartbeat). */
    private boolean canServe() {
        return sockets.serving() && (shellThread == null || shellThread.isAlive())
                && (mainShellThread == null || mainShellThread.isAlive())
                && (controlThread == null || controlThread.isAlive());
    }

    /** One channel's requests, one at a time; nothing a request does ends the loop. */
    private void serve(ZMQ.Socket socket) {
        while (running) {
            try {
                Message request = receive(socket, 200);
                if (request != null) {
                    handle(socket, request);
                }
            } catch (org.zeromq.ZMQException e) {
                if (running) {
                    LOG.warning("receiving failed: " + e.getMessage());
                }
            } catch (Throwable e) {
                LOG.log(Level.SEVERE, "a request failed unexpectedly; the channel goes on", e);
            }
        }
    }

    /** A shell request, to the shell it names (see ShellRouter); on the router's thread. */
    private void route(Message request) {
        String id = Subshells.idOf(request);
        if (id == null && request.type().equals("kernel_info_request")) {
            // Answered here, at once: it depends on no cell, and JupyterLab's subshell console asks it on the
            // main shell before it creates its subshell, typically while the notebook's cell runs.
            handle(sockets.shell, request);
        } else if (id == null) {
            mainShell.add(request);
        } else if (!subshells.dispatch(id, request)) {
            iopub.status("busy", request.header());
            JsonObject unknown = Subshells.unknown(id);
            replyError(sockets.shell, request, unknown.get("ename").getAsString(), unknown.get("evalue").getAsString());
            iopub.status("idle", request.header());
        }
    }

    private void serveMainShell() {
        while (running) {
            try {
                Message request = mainShell.poll(200, java.util.concurrent.TimeUnit.MILLISECONDS);
                if (request != null) {
                    handle(sockets.shell, request);
                }
            } catch (InterruptedException e) {
                return;
            } catch (Throwable e) {
                LOG.log(Level.SEVERE, "a request failed unexpectedly; the channel goes on", e);
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
        String type = request.type();
        iopub.status("busy", request.header());
        try {
            switch (type) {
                case "kernel_info_request":
                    reply(socket, request, "kernel_info_reply", KernelInfo.content());
                    return;
                case "execute_request":
                    debugger.beforeExecute(request.contentString("code", ""));
                    executionOf(request).execute(request,
                            (replyType, content) -> reply(socket, request, replyType, content), socket == sockets.shell);
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
                    Subshells.Subshell sub = subshells.get(Subshells.idOf(request));
                    reply(socket, request, "history_reply", (sub == null ? history : sub.history()).answer(request));
                    return;
                case "comm_info_request":
                    reply(socket, request, "comm_info_reply", comms.info(request));
                    return;
                case "comm_open":
                case "comm_msg":
                case "comm_close":
                    comms.fromFrontend(request);
                    execution.commFromFrontend(request);
                    return;
                case "interrupt_request":
                    debugger.interrupted();
                    interrupt(socket, request);
                    return;
                case "create_subshell_request":
                    reply(socket, request, "create_subshell_reply", subshells.create());
                    return;
                case "delete_subshell_request":
                    reply(socket, request, "delete_subshell_reply", subshells.delete(request));
                    return;
                case "list_subshell_request":
                    reply(socket, request, "list_subshell_reply", subshells.list());
                    return;
                case "debug_request":
                    reply(socket, request, "debug_reply", debugger.handle(request.content()));
                    return;
                case "shutdown_request":
                    shutdown(socket, request);
                    return;
                default:
                    LOG.warning(type.isEmpty() ? "ignored a message whose msg_type is not a string"
                            : "ignored a request of unknown type '" + type + "'");
                    return;
            }
        } catch (Message.BadRequestException e) {
            LOG.warning("refused a " + type + ": " + e.getMessage());
            replyError(socket, request, "BadRequest", "The " + type + " was refused: " + e.getMessage() + ".");
        } catch (RuntimeException e) {
            LOG.log(Level.SEVERE, "failed to answer " + type, e);
            replyError(socket, request, e.getClass().getSimpleName(),
                    "The kernel failed to answer the " + type + ": " + e.getMessage());
        } finally {
            iopub.status("idle", request.header());
        }
    }

    /** Every request gets a reply, also one the kernel could not handle: an error naming why. */
    private void replyError(ZMQ.Socket socket, Message request, String ename, String evalue) {
        String type = request.type();
        if (!type.endsWith("_request")) {
            return;
        }
        JsonObject content = new JsonObject();
        content.addProperty("status", "error");
        content.addProperty("ename", ename);
        content.addProperty("evalue", evalue);
        content.add("traceback", new com.google.gson.JsonArray());
        if (type.equals("execute_request")) {
            content.addProperty("execution_count", executionOf(request).count());
        }
        try {
            reply(socket, request, type.substring(0, type.length() - "_request".length()) + "_reply", content);
        } catch (RuntimeException e) {
            LOG.warning("could not send the error reply: " + e);
        }
    }

    /**
     * After a failed cell, the cells the frontend had already queued when it failed are not run (their
     * reply says "aborted"), like ipykernel does: they were written expecting the failed one to succeed.
     * They are taken off the socket before the failed cell's reply goes out (what the frontend sends after
     * seeing the error must run), and answered after it (clients expect the error reply first).
     */
    private List<Message> takeQueued() {
        List<Message> queued = new java.util.ArrayList<>();
        mainShell.drainTo(queued);
        return queued;
    }

    /** The shell that runs a request: the subshell its header names, or the main shell. */
    private Execution executionOf(Message request) {
        Subshells.Subshell sub = subshells.get(Subshells.idOf(request));
        return sub == null ? execution : sub.execution();
    }

    private void answerQueued(List<Message> queued) {
        for (Message m : queued) {
            if (m.type().equals("execute_request")) {
                iopub.status("busy", m.header());
                JsonObject content = new JsonObject();
                content.addProperty("status", "aborted");
                // Present, as the spec's execute_reply always has it, and null: the cell did not run, so
                // Notebook and JupyterLab show it as not run ("[ ]"), as they do for ipykernel's aborts.
                content.add("execution_count", com.google.gson.JsonNull.INSTANCE);
                reply(sockets.shell, m, "execute_reply", content);
                iopub.status("idle", m.header());
            } else {
                handle(sockets.shell, m);
            }
        }
    }

    private void interrupt(ZMQ.Socket socket, Message request) {
        if (!subshells.interrupt(request, execution.running())) {
            stdin.cancel();
            execution.interrupt(request);
        }
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
        iopub.shutdownReply(request.header(), content);
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
        Message reply = request.reply(jupyterSession, type, content);
        if (socket == sockets.shell) {
            iopub.awaitSent();
            shellRouter.send(codec.encode(reply));
            return;
        }
        synchronized (socket) {
            KernelSockets.send(socket, codec.encode(reply));
        }
    }

    /** Closes the sockets (after {@link #run} returned), once the channel threads have seen the stop. */
    public void close() {
        for (Thread t : new Thread[] {shellThread, mainShellThread, controlThread, heartbeatThread}) {
            if (t != null && t != Thread.currentThread()) {
                try {
                    t.join(1000);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
        }
        sockets.close();
    }
}
