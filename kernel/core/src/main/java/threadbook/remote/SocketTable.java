package threadbook.remote;

import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.net.Socket;
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
import threadbook.localnet.TcpTable;

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
            try (InputStream in = Files.newInputStream(file)) {
                lines = TcpTable.scan(in, watched::contains, row -> {
                    inodes.put(row.local() + " " + row.remote(), row.inode());
                    return true;
                });
            }
        }
        return new Snapshot(started, inodes, lines);
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
                String local = TcpTable.address(theirs, v6);
                String remote = TcpTable.address(mine, v6);
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
}
