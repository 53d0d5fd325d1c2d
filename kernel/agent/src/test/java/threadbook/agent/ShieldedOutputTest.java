package threadbook.agent;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.InputStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A shutdown hook's last event must leave the process before it halts: the writer thread is a daemon. */
class ShieldedOutputTest {

    @Test
    void awaitDeliveredWaitsUntilTheWriterThreadHasWrittenEverything(@TempDir Path dir) throws Exception {
        Path path = dir.resolve("s");
        try (ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
            server.bind(UnixDomainSocketAddress.of(path));
            SocketChannel client = UnixSockets.connect(path);
            try (SocketChannel peer = server.accept()) {
                UnixSockets.ShieldedOutputStream out = UnixSockets.shieldedOut(client, "test-writer");
                // More than the socket's buffers hold: the writer thread blocks until the peer reads.
                byte[] big = new byte[8 << 20];
                big[big.length - 1] = 42;
                out.write(big);
                assertFalse(out.awaitDelivered(200), "nobody read yet, so the bytes cannot all be in the socket");
                byte[] read = new byte[big.length];
                Thread reader = new Thread(() -> {
                    try (InputStream in = UnixSockets.in(peer)) {
                        int at = 0;
                        for (int n; at < read.length && (n = in.read(read, at, read.length - at)) > 0; ) {
                            at += n;
                        }
                    } catch (Exception ignored) {
                        // the assertion below says what arrived
                    }
                });
                reader.start();
                assertTrue(out.awaitDelivered(60_000), "the peer reads, so the writer thread finishes");
                reader.join(60_000);
                assertArrayEquals(big, read);
            } finally {
                client.close();
            }
        }
        Files.deleteIfExists(path);
    }
}
