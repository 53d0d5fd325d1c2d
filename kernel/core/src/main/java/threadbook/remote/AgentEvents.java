package threadbook.remote;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import threadbook.agent.Event;
import threadbook.agent.UnixSockets;

/**
 * The kernel's end of the event channel: accepts the agent's connection on a socket in the session's
 * private folder (see AgentSockets) and hands every event to {@code sink} in order.
 */
final class AgentEvents implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_MILLIS = 120_000;

    private final AgentSockets sockets;
    private final ServerSocketChannel server;
    private final Path path;
    private final byte[] secret;
    /** The agent process, once started: the gate lets in its connection only. */
    private final CompletableFuture<ProcessHandle> agent = new CompletableFuture<>();
    private final Consumer<Event> sink;
    private volatile SocketChannel socket;

    /** Listens for the agent, which must send {@code secret} first. */
    AgentEvents(Consumer<Event> sink, byte[] secret, AgentSockets sockets) throws IOException {
        this.sink = sink;
        this.secret = secret.clone();
        this.sockets = sockets;
        this.server = sockets.listen("events");
        this.path = AgentSockets.path(server);
        Thread reader = new Thread(this::run, "threadbook-agent-events");
        reader.setDaemon(true);
        reader.start();
    }

    Path path() {
        return path;
    }

    /** The agent process started: from now on its connection is let in (and only its). */
    void agentStarted(ProcessHandle process) {
        agent.complete(process);
    }

    private void run() {
        try {
            ProcessHandle process = agent.get();
            SocketChannel s = sockets.accept(server, secret, CONNECT_TIMEOUT_MILLIS,
                    () -> server.isOpen() && process.isAlive(), "event channel");
            socket = s;
            read(new DataInputStream(new BufferedInputStream(UnixSockets.in(s), 1 << 16)));
        } catch (IOException | ExecutionException e) {
            // The agent is gone or never came: the session sees that through JShell.
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private void read(DataInputStream in) throws IOException {
        try {
            while (true) {
                sink.accept(Event.read(in));
            }
        } catch (EOFException end) {
            // the agent closed the channel
        }
    }

    /** Sends a message to the agent (an input line, a comm message), on the same socket. */
    void send(threadbook.agent.ToAgent message) {
        SocketChannel s = socket;
        if (s == null) {
            return;
        }
        synchronized (this) {
            try {
                java.io.DataOutputStream out = new java.io.DataOutputStream(new java.io.BufferedOutputStream(UnixSockets.out(s)));
                threadbook.agent.ToAgent.write(out, message);
                out.flush();
            } catch (IOException e) {
                // the agent is gone; nobody is waiting for it
            }
        }
    }

    @Override
    public void close() {
        agent.cancel(false);
        try {
            server.close();
            SocketChannel s = socket;
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
