package threadbook.jshell;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.function.Consumer;
import threadbook.agent.Event;

/**
 * The kernel's end of the event channel: accepts the agent's connection (only it: see LoopbackGate) and
 * hands every event to {@code sink} in order.
 */
final class AgentEvents implements AutoCloseable {
    private static final long CONNECT_TIMEOUT_MILLIS = 120_000;

    private final ServerSocket server;
    private final byte[] secret;
    private final Consumer<Event> sink;
    private volatile Socket socket;

    /** Listens for the agent, which must send {@code secret} first (see LoopbackGate). */
    AgentEvents(Consumer<Event> sink, byte[] secret) throws IOException {
        this.sink = sink;
        this.secret = secret.clone();
        this.server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        Thread reader = new Thread(this::run, "threadbook-agent-events");
        reader.setDaemon(true);
        reader.start();
    }

    int port() {
        return server.getLocalPort();
    }

    private void run() {
        try {
            Socket s = LoopbackGate.accept(server, LoopbackGate.sendsSecret(secret), CONNECT_TIMEOUT_MILLIS,
                    () -> !server.isClosed(), "event channel");
            socket = s;
            read(new DataInputStream(new BufferedInputStream(s.getInputStream(), 1 << 16)));
        } catch (IOException e) {
            // The agent is gone or never came: the session sees that through JShell.
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
