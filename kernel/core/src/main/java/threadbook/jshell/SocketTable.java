package threadbook.jshell;

import java.io.BufferedReader;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Linux's table of TCP sockets (/proc/net/tcp6 and /proc/net/tcp), to find which process holds the other
 * end of a loopback connection. Reading the table walks the kernel's whole connection hash (262,144 buckets
 * here: about 5 ms per file, empty or not), so one reading serves every connection accepted before it
 * started, on every port, and readings are at least {@code minGapNanos} apart: a flood of connections then
 * costs the kernel one reading per gap instead of one per connection.
 */
final class SocketTable {
    /** The machine's table, shared by every gate of this JVM. */
    static final SocketTable SYSTEM = new SocketTable(List.of(Path.of("/proc/net/tcp6"), Path.of("/proc/net/tcp")),
            Path.of("/proc"), 40_000_000L);

    private final List<Path> files;
    private final Path proc;
    private final long minGapNanos;
    private Snapshot last;
    private boolean reading;
    private long readStarted = Long.MIN_VALUE / 2;

    SocketTable(List<Path> files, Path proc, long minGapNanos) {
        this.files = List.copyOf(files);
        this.proc = proc;
        this.minGapNanos = minGapNanos;
    }

    /** Whether this system has the table at all (Linux); elsewhere nothing can be looked up. */
    boolean available() {
        return files.stream().anyMatch(Files::isReadable);
    }

    /**
     * A reading of the table that started after {@code sinceNanos} (System.nanoTime): every socket that
     * existed then and still does is in it. Waits for a reading under way or for the gap to pass.
     */
    Snapshot after(long sinceNanos) throws IOException, InterruptedException {
        long started;
        synchronized (this) {
            while (true) {
                if (last != null && last.startedNanos - sinceNanos > 0) {
                    return last;
                }
                long wait = readStarted + minGapNanos - System.nanoTime();
                if (!reading && wait <= 0) {
                    break;
                }
                long millis = reading ? 50 : Math.max(1, wait / 1_000_000);
                wait(millis);
            }
            reading = true;
            readStarted = System.nanoTime();
            started = readStarted;
        }
        Snapshot fresh = null;
        try {
            fresh = read(started);
            return fresh;
        } finally {
            synchronized (this) {
                reading = false;
                if (fresh != null) {
                    last = fresh;
                }
                notifyAll();
            }
        }
    }

    private Snapshot read(long started) throws IOException {
        Map<String, Long> inodes = new HashMap<>();
        for (Path file : files) {
            if (!Files.isReadable(file)) {
                continue;
            }
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                lines.readLine(); // the header
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+", 11);
                    if (f.length > 9) {
                        inodes.put(f[1] + " " + f[2], Long.parseLong(f[9]));
                    }
                }
            }
        }
        return new Snapshot(started, inodes);
    }

    /**
     * The inodes of the sockets process {@code pid} holds open (its /proc/PID/fd links read
     * "socket:[inode]"); empty if the process is gone or not ours to look into.
     */
    Set<Long> socketsOf(long pid) {
        Set<Long> found = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(proc.resolve(Long.toString(pid)).resolve("fd"))) {
            for (Path fd : fds) {
                try {
                    String target = Files.readSymbolicLink(fd).toString();
                    if (target.startsWith("socket:[") && target.endsWith("]")) {
                        found.add(Long.parseLong(target.substring(8, target.length() - 1)));
                    }
                } catch (IOException closedMeanwhile) {
                    // the descriptor was closed while we listed them
                }
            }
        } catch (IOException gone) {
            // no such process (any more)
        }
        return found;
    }

    /** One reading of the table: socket inode by the whole connection (both addresses and ports). */
    static final class Snapshot {
        private final long startedNanos;
        private final Map<String, Long> inodes;

        Snapshot(long startedNanos, Map<String, Long> inodes) {
            this.startedNanos = startedNanos;
            this.inodes = inodes;
        }

        int size() {
            return inodes.size();
        }

        /**
         * The inode of the socket at the other end of {@code accepted}: the one whose own address is our
         * peer's and whose peer is our own address. 0 if there is none (it closed, or it is not a socket of
         * this machine's table).
         */
        long peerOf(Socket accepted) {
            InetSocketAddress mine = (InetSocketAddress) accepted.getLocalSocketAddress();
            InetSocketAddress theirs = (InetSocketAddress) accepted.getRemoteSocketAddress();
            if (mine == null || theirs == null) {
                return 0;
            }
            for (boolean v6 : new boolean[] {true, false}) {
                String local = entry(theirs, v6);
                String remote = entry(mine, v6);
                if (local != null && remote != null) {
                    Long inode = inodes.get(local + " " + remote);
                    if (inode != null && inode != 0) {
                        return inode;
                    }
                }
            }
            return 0;
        }
    }

    /**
     * An address and port as the table writes them: the address's 32-bit words each in the machine's byte
     * order, in hex; an IPv4 address in the IPv6 table is the mapped one (::ffff:a.b.c.d), which is how a
     * Java socket (an IPv6 one where the system has IPv6) talks to 127.0.0.1. Null where the address cannot
     * be in that table.
     */
    static String entry(InetSocketAddress address, boolean v6) {
        InetAddress a = address.getAddress();
        byte[] raw = a.getAddress();
        if (raw.length == 4 && v6) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            raw = mapped;
        } else if (raw.length == 16 && !v6) {
            return null;
        }
        StringBuilder s = new StringBuilder(raw.length * 2 + 5);
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                int b = raw[word + (little ? 3 - i : i)] & 0xff;
                s.append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return s.append(String.format(":%04X", address.getPort())).toString();
    }
}
