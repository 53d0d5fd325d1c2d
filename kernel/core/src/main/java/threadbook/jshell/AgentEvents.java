package threadbook.jshell;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import threadbook.agent.Event;

/**
 * The kernel's end of the event channel: accepts the agent's connection (only it: see LoopbackGate) and
 * hands every event to {@code sink} in order.
 */
final class AgentEvents implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_MILLIS = 120_000;

    private final ServerSocketChannel server;
    private final int port;
    private final byte[] secret;
    /** The agent process, once started: the gate lets in its connection only. */
    private final CompletableFuture<ProcessHandle> agent = new CompletableFuture<>();
    private final Consumer<Event> sink;
    private volatile Socket socket;

    /** Listens for the agent, which must send {@code secret} first (see LoopbackGate). */
    AgentEvents(Consumer<Event> sink, byte[] secret) throws IOException {
        this.sink = sink;
        this.secret = secret.clone();
        this.server = LoopbackGate.listen();
        this.port = LoopbackGate.port(server);
        Thread reader = new Thread(this::run, "threadbook-agent-events");
        reader.setDaemon(true);
        reader.start();
    }

    int port() {
        return port;
    }

    /** The agent process started: from now on its connection is let in (and only its). */
    void agentStarted(ProcessHandle process) {
        agent.complete(process);
    }

    private void run() {
        try {
            ProcessHandle process = agent.get();
            Socket s = LoopbackGate.accept(server, process.pid(), LoopbackGate.sendsSecret(secret), CONNECT_TIMEOUT_MILLIS,
                    () -> server.isOpen() && process.isAlive(), "event channel");
            socket = s;
            read(new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16)));
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

    /** Sends the answer to an input request back to the agent, on the same socket. */
    void replyToInput(boolean ok, String text) {
        Socket s = socket;
        if (s == null) {
            return;
        }
        synchronized (this) {
            try {
                java.io.DataOutputStream out = new java.io.DataOutputStream(s.getOutputStream());
                Event.writeInputReply(out, ok, text);
                out.flush();
            } catch (IOException e) {
                // the agent is gone; nobody is waiting for the line
            }
        }
    }

    @Override
    public void close() {
        agent.cancel(false);
        try {
            server.close();
            Socket s = socket;
            if (s != null) {
                s.close();
            }
        } catch (IOException ignored) {
            // closing anyway
        }
    }
}
