package threadbook.jshell;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * One of Linux's tables of TCP sockets (/proc/net/tcp6, /proc/net/tcp), to find which process holds the
 * other end of a loopback connection. Reading a table walks the kernel's whole connection hash (262,144
 * buckets here: about 5 ms, empty or not) and every connection in it (about 3 microseconds each, and any user
 * can add thousands), so one thread reads it for every gate: one reading serves every connection accepted
 * before it started, on every port, and readings start at least {@code minGapNanos} and three times the CPU
 * time of the last one apart, so that a flood of connections costs at most about a third of a core instead
 * of a reading per connection. Each table has its own reader: a flood in one (a stranger's IPv4 sockets, in
 * /proc/net/tcp) does not delay the answer from the other (a JVM's sockets are IPv6 ones, in tcp6). Only the
 * lines of connections to a watched port (the gates' own) are kept.
 */
final class SocketTable {
    /** The machine's tables, shared by every gate of this JVM. */
    static final List<SocketTable> SYSTEM = List.of(new SocketTable(Path.of("/proc/net/tcp6"), 40_000_000L),
            new SocketTable(Path.of("/proc/net/tcp"), 40_000_000L));
    private static final Path PROC = Path.of("/proc");
    private static final ThreadMXBean CPU = ManagementFactory.getThreadMXBean();

    private final Path file;
    private final long minGapNanos;
    private final Set<Integer> watched = ConcurrentHashMap.newKeySet();
    /** Readings asked for, by the time after which each must start. */
    private final List<Map.Entry<Long, CompletableFuture<Snapshot>>> asked = new ArrayList<>();
    private Snapshot last;
    private Thread reader;

    SocketTable(Path file, long minGapNanos) {
        this.file = file;
        this.minGapNanos = minGapNanos;
    }

    /** Whether this system has the table (Linux); elsewhere nothing can be looked up. */
    boolean available() {
        return Files.isReadable(file);
    }

    /** Readings keep the connections to {@code port} (a gate's, while it is open). */
    void watch(int port) {
        watched.add(port);
    }

    void unwatch(int port) {
        watched.remove(port);
    }

    /**
     * A reading of the table that starts after {@code sinceNanos} (System.nanoTime): every socket that
     * existed then and still does is in it.
     */
    synchronized CompletableFuture<Snapshot> after(long sinceNanos) {
        if (last != null && last.startedNanos - sinceNanos > 0) {
            return CompletableFuture.completedFuture(last);
        }
        CompletableFuture<Snapshot> reading = new CompletableFuture<>();
        asked.add(Map.entry(sinceNanos, reading));
        if (reader == null) {
            reader = new Thread(this::readAsked, "threadbook-socket-table " + file.getFileName());
            reader.setDaemon(true);
            reader.start();
        }
        notifyAll();
        return reading;
    }

    private void readAsked() {
        long nextStart = System.nanoTime();
        while (true) {
            long started;
            synchronized (this) {
                try {
                    while (asked.isEmpty() || nextStart - System.nanoTime() > 0) {
                        long wait = asked.isEmpty() ? 0 : Math.max(1, (nextStart - System.nanoTime()) / 1_000_000);
                        wait(wait);
                    }
                } catch (InterruptedException e) {
                    reader = null;
                    return;
                }
                started = System.nanoTime();
            }
            long cpu = CPU.getCurrentThreadCpuTime();
            Snapshot fresh = null;
            IOException failed = null;
            try {
                fresh = read(started);
            } catch (IOException e) {
                failed = e;
            }
            long used = CPU.getCurrentThreadCpuTime() - cpu;
            nextStart = started + Math.max(minGapNanos, 3 * used);
            List<CompletableFuture<Snapshot>> served = new ArrayList<>();
            synchronized (this) {
                if (fresh != null) {
                    last = fresh;
                }
                for (Iterator<Map.Entry<Long, CompletableFuture<Snapshot>>> i = asked.iterator(); i.hasNext(); ) {
                    Map.Entry<Long, CompletableFuture<Snapshot>> a = i.next();
                    if (started - a.getKey() > 0) {
                        served.add(a.getValue());
                        i.remove();
                    }
                }
            }
            for (CompletableFuture<Snapshot> f : served) {
                if (failed == null) {
                    f.complete(fresh);
                } else {
                    f.completeExceptionally(failed);
                }
            }
        }
    }

    private Snapshot read(long started) throws IOException {
        Map<String, Long> inodes = new HashMap<>();
        int lines = 0;
        if (Files.isReadable(file)) {
            byte[] text;
            try (InputStream in = Files.newInputStream(file)) {
                text = in.readAllBytes();
            }
            lines = keepWatched(text, inodes);
        }
        return new Snapshot(started, inodes, lines);
    }

    /**
     * Puts the connections to a watched port into {@code inodes}; returns how many lines there were. A line:
     * sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
     */
    private int keepWatched(byte[] text, Map<String, Long> inodes) {
        int lines = 0;
        int lineStart = indexOf(text, (byte) '\n', 0) + 1; // past the header
        while (lineStart > 0 && lineStart < text.length) {
            int lineEnd = indexOf(text, (byte) '\n', lineStart);
            if (lineEnd < 0) {
                lineEnd = text.length;
            }
            lines++;
            int[] field = new int[11];
            int n = 0;
            for (int i = lineStart; i < lineEnd && n < field.length; i++) {
                if (text[i] != ' ' && (i == lineStart || text[i - 1] == ' ')) {
                    field[n++] = i;
                }
            }
            if (n > 9) {
                int remoteEnd = indexOf(text, (byte) ' ', field[2]);
                int port = remoteEnd >= 4 ? hex(text, remoteEnd - 4, remoteEnd) : -1;
                if (watched.contains(port)) {
                    String local = new String(text, field[1], field[2] - field[1], StandardCharsets.US_ASCII).trim();
                    String remote = new String(text, field[2], remoteEnd - field[2], StandardCharsets.US_ASCII);
                    int inodeEnd = indexOf(text, (byte) ' ', field[9]);
                    long inode = Long.parseLong(new String(text, field[9],
                            (inodeEnd < 0 || inodeEnd > lineEnd ? lineEnd : inodeEnd) - field[9], StandardCharsets.US_ASCII));
                    inodes.put(local + " " + remote, inode);
                }
            }
            lineStart = lineEnd + 1;
        }
        return lines;
    }

    private static int indexOf(byte[] text, byte b, int from) {
        for (int i = from; i < text.length; i++) {
            if (text[i] == b) {
                return i;
            }
        }
        return -1;
    }

    private static int hex(byte[] text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(text[i], 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /**
     * The inodes of the sockets process {@code pid} holds open (its /proc/PID/fd links read
     * "socket:[inode]"); empty if the process is gone or not ours to look into.
     */
    static Set<Long> socketsOf(long pid) {
        Set<Long> found = new HashSet<>();
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(PROC.resolve(Long.toString(pid)).resolve("fd"))) {
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
        private final int lines;

        Snapshot(long startedNanos, Map<String, Long> inodes, int lines) {
            this.startedNanos = startedNanos;
            this.inodes = inodes;
            this.lines = lines;
        }

        /** When this reading started (System.nanoTime): it has every socket that existed then. */
        long started() {
            return startedNanos;
        }

        /** How many sockets the table had (the cost of reading it). */
        int size() {
            return lines;
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
