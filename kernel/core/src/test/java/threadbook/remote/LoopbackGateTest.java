package threadbook.remote;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The gate in front of the kernel's loopback ports, with real sockets. The "agent" is this test's own
 * process; another process (python) plays the stranger.
 */
class LoopbackGateTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
    private static final long ME = ProcessHandle.current().pid();
    /** Short for the test: our own silent connection is what waits for it. */
    private static final int PROOF_MILLIS = 300;

    private static CompletableFuture<Socket> gate(ServerSocketChannel server, byte[] secret) {
        return CompletableFuture.supplyAsync(() -> {
            try {
                return LoopbackGate.accept(server, ME, LoopbackGate.sendsSecret(secret), 60_000, () -> true,
                        "test port", SocketTable.SYSTEM, PROOF_MILLIS);
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @Test
    void silenceAndAWrongSecretAreDroppedAndTheRightPeerGetsInAlone() throws Exception {
        byte[] secret = LoopbackGate.newSecret();
        ServerSocketChannel server = LoopbackGate.listen();
        int port = LoopbackGate.port(server);
        CompletableFuture<Socket> admitted = gate(server, secret);
        try (Socket silent = new Socket(LOOPBACK, port);
             Socket wrong = new Socket(LOOPBACK, port);
             Socket right = new Socket(LOOPBACK, port)) {
            byte[] almost = secret.clone();
            almost[0] ^= 1;
            wrong.getOutputStream().write(almost);
            right.getOutputStream().write(secret);
            right.getOutputStream().write("after the secret".getBytes(StandardCharsets.US_ASCII));
            Socket in = admitted.get(60, TimeUnit.SECONDS);
            assertArrayEquals("after the secret".getBytes(StandardCharsets.US_ASCII), in.getInputStream().readNBytes(16),
                    "the gate reads the secret and nothing more");
            silent.setSoTimeout(30_000);
            wrong.setSoTimeout(30_000);
            assertClosed(silent, "the silent connection was closed");
            assertClosed(wrong, "the wrong secret was closed");
            assertFalse(server.isOpen(), "nobody else may even try once the peer is in");
            assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, port).close());
            in.close();
        }
    }

    /**
     * Another process that knows the secret, connects from 127.0.0.2 with the port's own number as its source
     * port (so that a look-up by port number alone finds the kernel's socket), and holds a second connection
     * silent: both are reset before anything is read, and the agent's connection gets in after them.
     */
    @Test
    void anotherProcessIsResetAtOnceEvenWithTheSecretAndASpoofedSource() throws Exception {
        assumeTrue(SocketTable.SYSTEM.stream().anyMatch(SocketTable::available), "no socket table on this system");
        byte[] secret = LoopbackGate.newSecret();
        ServerSocketChannel server = LoopbackGate.listen();
        int port = LoopbackGate.port(server);
        CompletableFuture<Socket> admitted = gate(server, secret);
        String stranger = """
                import socket, sys
                port, secret = int(sys.argv[1]), sys.argv[2].encode()
                spoof = socket.socket()
                spoof.bind(('127.0.0.2', port))
                spoof.connect(('127.0.0.1', port))
                spoof.sendall(secret)
                silent = socket.create_connection(('127.0.0.1', port))
                print('CONNECTED', flush=True)
                for s in (spoof, silent):
                    s.settimeout(30)
                    try:
                        print('EOF' if s.recv(100) == b'' else 'DATA', flush=True)
                    except ConnectionResetError:
                        print('RESET', flush=True)
                """;
        Process p = new ProcessBuilder("python3", "-c", stranger, Integer.toString(port),
                new String(secret, StandardCharsets.US_ASCII)).redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            assertEquals("CONNECTED", out.readLine());
            assertEquals("RESET", out.readLine(), "the spoofed connection with the secret was reset");
            assertEquals("RESET", out.readLine(), "the silent connection was reset");
            try (Socket right = new Socket(LOOPBACK, port)) {
                right.getOutputStream().write(secret);
                admitted.get(60, TimeUnit.SECONDS).close();
            }
        } finally {
            p.destroyForcibly();
        }
    }

    @Test
    void givesUpWhenThePeerProcessEnded() throws Exception {
        ServerSocketChannel server = LoopbackGate.listen();
        IOException e = assertThrows(IOException.class, () -> LoopbackGate.accept(server, ME,
                LoopbackGate.sendsSecret(LoopbackGate.newSecret()), 60_000, () -> false, "test port"));
        assertTrue(e.getMessage().contains("ended before it connected to the test port"), e.getMessage());
        assertFalse(server.isOpen());
    }

    @Test
    void givesUpAfterTheTimeout() throws Exception {
        ServerSocketChannel server = LoopbackGate.listen();
        assertThrows(SocketTimeoutException.class, () -> LoopbackGate.accept(server, ME,
                LoopbackGate.sendsSecret(LoopbackGate.newSecret()), 300, () -> true, "test port"));
        assertFalse(server.isOpen());
    }

    @Test
    void findsThePeersSocketByTheWholeConnection() throws Exception {
        assumeTrue(SocketTable.SYSTEM.stream().anyMatch(SocketTable::available), "no socket table on this system");
        try (ServerSocketChannel server = LoopbackGate.listen();
             Socket client = new Socket(LOOPBACK, LoopbackGate.port(server));
             Socket accepted = server.accept().socket();
             Socket other = new Socket(LOOPBACK, LoopbackGate.port(server));
             Socket otherAccepted = server.accept().socket()) {
            long peer = peerOf(accepted, LoopbackGate.port(server));
            assertTrue(SocketTable.socketsOf(ME).contains(peer), "the client's socket is one of ours: " + peer);
            assertTrue(peer != peerOf(otherAccepted, LoopbackGate.port(server)), "each connection has its own peer socket");
            assertFalse(SocketTable.socketsOf(ProcessHandle.current().parent().orElseThrow().pid()).contains(peer),
                    "and not one of another process");
        }
    }

    @Test
    void secretsAreRandomLinesOfHex() {
        String a = new String(LoopbackGate.newSecret(), StandardCharsets.US_ASCII);
        String b = new String(LoopbackGate.newSecret(), StandardCharsets.US_ASCII);
        assertTrue(a.matches("[0-9a-f]{64}\n"), a);
        assertTrue(!a.equals(b));
    }

    /** The inode of the socket at the other end of {@code accepted}, from whichever table has it. */
    private static long peerOf(Socket accepted, int port) throws Exception {
        for (SocketTable table : SocketTable.SYSTEM) {
            table.watch(port);
            long peer = table.after(System.nanoTime()).get(60, TimeUnit.SECONDS).peerOf(accepted);
            table.unwatch(port);
            if (peer != 0) {
                return peer;
            }
        }
        return 0;
    }

    /** Closed by the gate: an end of stream, or a reset where it closed without reading what was sent. */
    private static void assertClosed(Socket s, String what) {
        try {
            assertEquals(-1, s.getInputStream().read(), what);
        } catch (IOException reset) {
            assertTrue(reset.getMessage().contains("reset"), what + ": " + reset);
        }
    }
}
