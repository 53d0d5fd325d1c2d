package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The gate in front of the kernel's loopback ports, with real sockets of this user. */
class LoopbackGateTest {
    private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();

    @Test
    void silenceAndAWrongSecretAreDroppedAndTheRightPeerGetsInAlone() throws Exception {
        byte[] secret = LoopbackGate.newSecret();
        ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        int port = server.getLocalPort();
        CompletableFuture<Socket> admitted = CompletableFuture.supplyAsync(() -> {
            try {
                return LoopbackGate.accept(server, LoopbackGate.sendsSecret(secret), 60_000, () -> true, "test port");
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
        });
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
            assertEquals(-1, silent.getInputStream().read(), "the silent connection was closed");
            assertEquals(-1, wrong.getInputStream().read(), "the wrong secret was closed");
            assertTrue(server.isClosed(), "nobody else may even try once the peer is in");
            assertThrows(ConnectException.class, () -> new Socket(LOOPBACK, port).close());
            in.close();
        }
    }

    @Test
    void givesUpWhenThePeerProcessEnded() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        IOException e = assertThrows(IOException.class, () -> LoopbackGate.accept(server,
                LoopbackGate.sendsSecret(LoopbackGate.newSecret()), 60_000, () -> false, "test port"));
        assertTrue(e.getMessage().contains("ended before it connected to the test port"), e.getMessage());
        assertTrue(server.isClosed());
    }

    @Test
    void givesUpAfterTheTimeout() throws Exception {
        ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
        assertThrows(SocketTimeoutException.class, () -> LoopbackGate.accept(server,
                LoopbackGate.sendsSecret(LoopbackGate.newSecret()), 300, () -> true, "test port"));
        assertTrue(server.isClosed());
    }

    @Test
    void findsTheUidOfALoopbackPeer() throws Exception {
        try (ServerSocket server = new ServerSocket(0, 50, LOOPBACK);
             Socket client = new Socket(LOOPBACK, server.getLocalPort());
             Socket accepted = server.accept()) {
            if (Files.isReadable(Path.of("/proc/net/tcp"))) {
                int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
                assertEquals(me, LoopbackGate.peerUid(accepted).getAsInt());
            } else {
                assertTrue(LoopbackGate.peerUid(accepted).isEmpty(), "no socket table here: no uid");
            }
        }
    }

    @Test
    void secretsAreRandomLinesOfHex() {
        String a = new String(LoopbackGate.newSecret(), StandardCharsets.US_ASCII);
        String b = new String(LoopbackGate.newSecret(), StandardCharsets.US_ASCII);
        assertTrue(a.matches("[0-9a-f]{64}\n"), a);
        assertTrue(!a.equals(b));
    }
}
