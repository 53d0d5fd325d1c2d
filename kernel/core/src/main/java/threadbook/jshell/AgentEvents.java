package threadbook.jshell;

import java.io.BufferedInputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.function.Consumer;
import threadbook.agent.Event;

/**
 * The kernel's end of the event channel: accepts the agent's connection (checking its token, since any
 * local process could connect to a loopback port) and hands every event to {@code sink} in order.
 */
final class AgentEvents implements AutoCloseable {
    private final ServerSocket server;
    private final String token;
    private final Consumer<Event> sink;
    private volatile Socket socket;

    AgentEvents(Consumer<Event> sink) throws IOException {
        this.sink = sink;
        this.server = new ServerSocket(0, 4, InetAddress.getLoopbackAddress());
        byte[] random = new byte[16];
        new SecureRandom().nextBytes(random);
        this.token = HexFormat.of().formatHex(random);
        Thread reader = new Thread(this::run, "threadbook-agent-events");
        reader.setDaemon(true);
        reader.start();
    }

    int port() {
        return server.getLocalPort();
    }

    String token() {
        return token;
    }

    private void run() {
        try {
            server.setSoTimeout(120_000);
            while (true) {
                Socket s = server.accept();
                s.setTcpNoDelay(true);
                InputStream in = new BufferedInputStream(s.getInputStream(), 1 << 16);
                if (token.equals(readLine(in))) {
                    socket = s;
                    read(new DataInputStream(in));
                    return;
                }
                s.close();
            }
        } catch (IOException e) {
            // The agent is gone or never came: the session sees that through JShell.
        } finally {
            try {
                server.close();
            } catch (IOException ignored) {
                // closing anyway
            }
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

    private static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int c = in.read(); c != '\n'; c = in.read()) {
            if (c < 0 || line.length() > 100) {
                return null;
            }
            line.append((char) c);
        }
        return line.toString();
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
