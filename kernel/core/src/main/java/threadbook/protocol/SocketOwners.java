package threadbook.protocol;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import threadbook.localnet.TcpTable;

/**
 * Who owns the other end of local TCP connections, by their whole tuple in Linux's socket tables
 * ({@link TcpTable}): the uid of each peer, for iopub's gate.
 */
final class SocketOwners {
    private static final List<Path> LINUX_TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

    /** One accepted connection, as the kernel's side sees it. */
    record Connection(InetSocketAddress local, InetSocketAddress remote) {}

    private SocketOwners() {}

    /** False where there is no socket table to read (not Linux). */
    static boolean available() {
        return LINUX_TABLES.stream().anyMatch(Files::isReadable);
    }

    /**
     * The uid owning the peer of each connection found; a connection whose peer is not an open socket of this
     * machine (another machine's, or one that closed already) is missing from the answer.
     */
    static Map<Connection, Integer> owners(Collection<Connection> connections) throws IOException {
        Map<String, Connection> wanted = new HashMap<>();
        Set<Integer> ourPorts = new HashSet<>();
        for (Connection c : connections) {
            ourPorts.add(c.local().getPort());
            // The peer's row: its local address is our remote one. An IPv4 peer may be in either table (an
            // IPv6 socket on an IPv4 address is listed in tcp6, with the address IPv4-mapped).
            for (boolean mapped : new boolean[] {false, true}) {
                String theirs = TcpTable.address(c.remote(), mapped);
                String ours = TcpTable.address(c.local(), mapped);
                if (theirs != null && ours != null) {
                    wanted.put(theirs + " " + ours, c);
                }
            }
        }
        int want = connections.size();
        Map<Connection, Integer> found = new HashMap<>();
        // Linux writes a table as it is read, walking its hash of connections (milliseconds on a big machine),
        // so the reading stops once every peer is found: tcp first, where libzmq's clients (Jupyter's) are,
        // then tcp6 for those still missing.
        for (Path table : LINUX_TABLES) {
            if (!Files.isReadable(table)) {
                continue;
            }
            try (InputStream in = Files.newInputStream(table)) {
                TcpTable.scan(in, ourPorts::contains, row -> {
                    Connection c = row.established() ? wanted.get(row.local() + " " + row.remote()) : null;
                    if (c != null) {
                        found.put(c, row.uid());
                    }
                    return found.size() < want;
                });
            }
            if (found.size() == want) {
                break;
            }
        }
        return found;
    }
}
