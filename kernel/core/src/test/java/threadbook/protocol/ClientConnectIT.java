package threadbook.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static threadbook.client.KernelProcess.loopbackConnection;

import java.nio.charset.StandardCharsets;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;

/**
 * A client socket made by {@link KernelSockets#connect}, alone in its context, against the kernel's own sockets:
 * each of many connections carries its first message within seconds. Without the short handshake interval, JeroMQ
 * loses one connection in 20 to 40 for 30 s (see {@link KernelSockets#connect}), so 100 of them fail this test
 * almost always.
 */
class ClientConnectIT {
    private static final int CONNECTIONS = 100;

    @Test
    void everyConnectionOfALoneClientSocketCarriesItsFirstMessage() throws Exception {
        ConnectionInfo info = loopbackConnection("test-key");
        long slowest = 0;
        try (KernelSockets kernel = new KernelSockets(info)) {
            for (int i = 0; i < CONNECTIONS; i++) {
                try (ZContext client = new ZContext()) {
                    ZMQ.Socket dealer = KernelSockets.connect(client, SocketType.DEALER, info.address(info.shellPort()),
                            ("client-" + i).getBytes(StandardCharsets.US_ASCII));
                    long sent = System.nanoTime();
                    dealer.send("hello " + i);
                    // Well above the 2 s retry, well below the 30 s a lost connection waits without it.
                    List<byte[]> frames = KernelSockets.receive(kernel.shell, 15_000);
                    assertNotNull(frames, "connection " + i + " of " + CONNECTIONS + " carried nothing within 15 s");
                    assertEquals("hello " + i, new String(frames.get(1), StandardCharsets.US_ASCII));
                    slowest = Math.max(slowest, System.nanoTime() - sent);
                }
            }
        }
        System.out.printf("%d connections, the slowest first message took %d ms%n", CONNECTIONS, slowest / 1_000_000);
    }
}
