package threadbook.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Looks real loopback connections up in the machine's own socket tables. */
class SocketOwnersTest {

    @Test
    void tellsEachPeerByItsWholeTuple() throws Exception {
        assumeTrue(SocketOwners.available(), "Linux only");
        int me = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        assumeTrue(me == 0, "setpriv needs root to run the other user's client");
        try (ServerSocket server = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            // An IPv4 socket of another user (listed in tcp) and an IPv6 one of ours (tcp6, IPv4-mapped), both
            // from 127.0.0.1 to the same port: only their own ports tell them apart.
            Process other = new ProcessBuilder("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                    "/usr/bin/python3", "-c", "import socket, time\n"
                    + "s = socket.create_connection(('127.0.0.1', " + server.getLocalPort() + "))\n"
                    + "print(s.getsockname()[1], flush=True)\ntime.sleep(60)").redirectErrorStream(true).start();
            try (Socket ours = new Socket(InetAddress.getLoopbackAddress(), server.getLocalPort());
                 BufferedReader out = new BufferedReader(new InputStreamReader(other.getInputStream(), StandardCharsets.UTF_8))) {
                int otherPort = Integer.parseInt(out.readLine().trim());
                try (Socket a = server.accept(); Socket b = server.accept()) {
                    SocketOwners.Connection ca = connection(a);
                    SocketOwners.Connection cb = connection(b);
                    SocketOwners.Connection gone = new SocketOwners.Connection(ca.local(),
                            new InetSocketAddress(ca.remote().getAddress(), 1));
                    Map<SocketOwners.Connection, Integer> owners = SocketOwners.owners(List.of(ca, cb, gone));
                    for (SocketOwners.Connection c : List.of(ca, cb)) {
                        assertEquals(c.remote().getPort() == otherPort ? 65534 : me, owners.get(c), c + " in " + owners);
                    }
                    assertFalse(owners.containsKey(gone), "no socket has that tuple");
                    assertEquals(ours.getLocalPort(), (a.getPort() == otherPort ? b : a).getPort());
                }
            } finally {
                other.destroyForcibly();
            }
        }
    }

    private static SocketOwners.Connection connection(Socket accepted) {
        return new SocketOwners.Connection((InetSocketAddress) accepted.getLocalSocketAddress(),
                (InetSocketAddress) accepted.getRemoteSocketAddress());
    }
}
