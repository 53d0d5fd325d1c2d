package threadbook.protocol;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Who owns the other end of local TCP connections, read from Linux's socket tables (/proc/net/tcp and
 * /proc/net/tcp6, readable by every user). A peer is found by the whole tuple: its socket has our remote
 * address and port as its local ones and ours as its remote ones, so no other socket can be taken for it.
 */
final class SocketOwners {
    private static final String ESTABLISHED = "01";
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
        for (Connection c : connections) {
            // The peer's row: its local address is our remote one. An IPv4 peer may be in either table (an
            // IPv6 socket on an IPv4 address is listed in tcp6, with the address IPv4-mapped).
            for (boolean mapped : new boolean[] {false, true}) {
                String key = hex(c.remote(), mapped) + " " + hex(c.local(), mapped);
                if (!key.contains("?")) {
                    wanted.put(key, c);
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
            try (BufferedReader lines = Files.newBufferedReader(table, StandardCharsets.US_ASCII)) {
                lines.readLine(); // the header
                for (String line = lines.readLine(); line != null && found.size() < want; line = lines.readLine()) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    String[] f = line.trim().split(" +", 9);
                    if (f.length > 7 && f[3].equals(ESTABLISHED)) {
                        Connection c = wanted.get(f[1] + " " + f[2]);
                        if (c != null) {
                            found.put(c, Integer.parseInt(f[7]));
                        }
                    }
                }
            }
            if (found.size() == want) {
                break;
            }
        }
        return found;
    }

    /**
     * An address and port as the tables print them: the address in 32-bit words, each in the machine's byte
     * order; {@code mapped} gives an IPv4 address in tcp6's form. "?" where the table cannot hold it.
     */
    static String hex(InetSocketAddress address, boolean mapped) {
        byte[] ip = address.getAddress().getAddress();
        if (ip.length == 4 && mapped) {
            byte[] v6 = new byte[16];
            v6[10] = (byte) 0xff;
            v6[11] = (byte) 0xff;
            System.arraycopy(ip, 0, v6, 12, 4);
            ip = v6;
        } else if (ip.length == 16 && !mapped) {
            return "?";
        }
        StringBuilder s = new StringBuilder();
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < ip.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                s.append(String.format("%02X", ip[word + (little ? 3 - i : i)] & 0xff));
            }
        }
        return s.append(String.format(":%04X", address.getPort())).toString();
    }
}
