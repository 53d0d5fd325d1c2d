package threadbook.remote;

import java.io.IOException;
import java.io.InputStream;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Lets only our own agent through a loopback port. Any local user can connect to a loopback port, and
 * can choose the address (any 127.x.y.z) and port a connection comes from, so each connection is judged by
 * the whole connection: on Linux the socket at its other end (found in the socket tables by both addresses
 * and ports) must be one the agent process holds open (one of its /proc/PID/fd), which no other process
 * can fake, of another user or of ours. That is decided on the connection alone, before a byte is read:
 * connections are accepted as fast as they come and judged on the next table readings (see SocketTable),
 * and a stranger is reset (no TIME_WAIT left behind in the table the next reading walks), so holding
 * connections open costs the agent nothing and a flood costs table readings, not a wait per connection.
 * Only the agent's own connection then has to pass {@code check} (the session's secret). Once it is in,
 * the port is closed, so nobody else can even try. Without the tables (not Linux) only the check remains,
 * and each connection gets up to {@code proofTimeoutMillis} to pass it, in turn.
 */
final class LoopbackGate {
    private static final Logger LOG = Logger.getLogger(LoopbackGate.class.getName());

    /** How long a connection may take to prove itself; our agent does it at once. */
    static final int PROOF_TIMEOUT_MILLIS = 5_000;
    /** Connections waiting in the kernel's queue while we judge the last ones (somaxconn caps it). */
    private static final int BACKLOG = 4096;
    /** Accepted connections awaiting judgement at most; beyond, new ones wait in the kernel's queue. */
    private static final int MAX_PENDING = 2 * BACKLOG;

    /** The first bytes a peer sends, checked by the gate. */
    interface Check {
        boolean passes(Socket candidate) throws IOException;
    }

    private LoopbackGate() {}

    /** A fresh random secret, as one line of hex (the line break is part of what the agent sends back). */
    static byte[] newSecret() {
        byte[] random = new byte[32];
        new SecureRandom().nextBytes(random);
        return (HexFormat.of().formatHex(random) + "\n").getBytes(StandardCharsets.US_ASCII);
    }

    /** A check that the peer sends exactly {@code secret} first (compared in constant time). */
    static Check sendsSecret(byte[] secret) {
        return candidate -> {
            InputStream in = candidate.getInputStream();
            byte[] got = in.readNBytes(secret.length);
            return MessageDigest.isEqual(secret, got);
        };
    }

    /**
     * A new loopback port for the gate, with room for a flood of connections to wait in. An IPv4 socket
     * where the loopback address is IPv4: the connections it accepts (a flood's too) are then listed in
     * /proc/net/tcp, and the agent's, made from IPv6 sockets, in the other table (see SocketTable).
     */
    static ServerSocketChannel listen() throws IOException {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        ServerSocketChannel server = loopback instanceof Inet4Address
                ? ServerSocketChannel.open(StandardProtocolFamily.INET) : ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(loopback, 0), BACKLOG);
            return server;
        } catch (IOException e) {
            server.close();
            throw e;
        }
    }

    static int port(ServerSocketChannel server) throws IOException {
        return ((InetSocketAddress) server.getLocalAddress()).getPort();
    }

    /**
     * Waits for the connection of process {@code agentPid} that passes the check, until {@code timeoutMillis}
     * or until {@code peerAlive} turns false; closes {@code server} in any case. Throws IOException if the
     * right peer never came.
     */
    static Socket accept(ServerSocketChannel server, long agentPid, Check check, long timeoutMillis,
            BooleanSupplier peerAlive, String what) throws IOException {
        return accept(server, agentPid, check, timeoutMillis, peerAlive, what, SocketTable.SYSTEM, PROOF_TIMEOUT_MILLIS);
    }

    static Socket accept(ServerSocketChannel server, long agentPid, Check check, long timeoutMillis,
            BooleanSupplier peerAlive, String what, List<SocketTable> tables, int proofTimeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        Refusals refusals = new Refusals(what);
        int port = port(server);
        List<SocketTable> readable = tables.stream().filter(SocketTable::available).toList();
        readable.forEach(t -> t.watch(port));
        Pending pending = null;
        try (server; Selector selector = Selector.open()) {
            server.configureBlocking(false);
            SelectionKey accepting = server.register(selector, SelectionKey.OP_ACCEPT);
            pending = new Pending(readable, agentPid, selector);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("the Java process did not connect to the " + what
                            + " within " + timeoutMillis / 1000 + " s");
                }
                if (!peerAlive.getAsBoolean()) {
                    throw new IOException("the Java process ended before it connected to the " + what);
                }
                selector.select(Math.min(left, 500));
                selector.selectedKeys().clear();
                // Always empty the kernel's queue, also while a table reading is awaited: a full queue drops
                // new connections, the agent's with them (it tries again only after a second, then three).
                boolean stuck = false;
                pending.makeRoom(refusals);
                try {
                    for (SocketChannel c; pending.size() < MAX_PENDING && (c = server.accept()) != null; ) {
                        pending.add(c);
                    }
                } catch (IOException tooManyOpenFiles) {
                    stuck = true;
                    refusals.unproven("could not accept more connections: " + tooManyOpenFiles.getMessage());
                }
                Socket admitted = null;
                for (SocketChannel c : pending.sorted(refusals)) {
                    if (admitted == null && proves(c.socket(), check, proofTimeoutMillis, refusals)) {
                        admitted = c.socket();
                    } else {
                        reset(c);
                    }
                }
                if (admitted != null) {
                    admitted.setSoTimeout(0);
                    return admitted;
                }
                // With as many waiting as we take, the next connections wait in the kernel's queue (and the
                // loop, for the table reading, which wakes it) instead of spinning on a ready port.
                accepting.interestOps(stuck || pending.size() >= MAX_PENDING ? 0 : SelectionKey.OP_ACCEPT);
            }
        } finally {
            readable.forEach(t -> t.unwatch(port));
            if (pending != null) {
                pending.resetAll(refusals);
            }
            refusals.report();
        }
    }

    /**
     * Accepted connections not judged yet. Each waits for a reading of each table that started after it was
     * accepted (asked for as soon as it came: the gate never waits for one itself): found in one as a socket
     * of the agent, it may be the agent's; found in none, it is a stranger's.
     */
    private static final class Pending {
        private final List<SocketTable> tables;
        private final long agentPid;
        private final Selector selector;
        private final List<Candidate> candidates = new ArrayList<>();
        private final List<CompletableFuture<SocketTable.Snapshot>> readings = new ArrayList<>();

        /** {@code tables} empty: no table to look in (not Linux), every connection may be the agent's. */
        Pending(List<SocketTable> tables, long agentPid, Selector selector) {
            this.tables = tables;
            this.agentPid = agentPid;
            this.selector = selector;
            tables.forEach(t -> readings.add(null));
        }

        int size() {
            return candidates.size();
        }

        void add(SocketChannel c) {
            long now = System.nanoTime();
            candidates.add(new Candidate(c, now));
            for (int t = 0; t < tables.size(); t++) {
                if (readings.get(t) == null) {
                    ask(t, now);
                }
            }
        }

        private void ask(int table, long since) {
            CompletableFuture<SocketTable.Snapshot> reading = tables.get(table).after(since);
            readings.set(table, reading);
            reading.whenComplete((snapshot, failed) -> selector.wakeup());
        }

        /**
         * The connections that may be the agent's, to check in turn; strangers are reset. Without a table
         * every connection may be.
         */
        List<SocketChannel> sorted(Refusals refusals) throws IOException {
            List<SocketChannel> agents = new ArrayList<>();
            if (tables.isEmpty()) {
                candidates.forEach(c -> agents.add(c.channel));
                candidates.clear();
                return agents;
            }
            Set<Long> agentSockets = null;
            for (int t = 0; t < tables.size(); t++) {
                CompletableFuture<SocketTable.Snapshot> reading = readings.get(t);
                if (reading == null || !reading.isDone()) {
                    continue;
                }
                SocketTable.Snapshot snapshot;
                try {
                    snapshot = reading.join();
                } catch (CompletionException e) {
                    throw new IOException("could not read the socket table: " + e.getCause().getMessage(), e.getCause());
                }
                readings.set(t, null);
                if (agentSockets == null) {
                    agentSockets = SocketTable.socketsOf(agentPid);
                }
                long latestLeft = 0;
                boolean left = false;
                for (Iterator<Candidate> i = candidates.iterator(); i.hasNext(); ) {
                    Candidate c = i.next();
                    if ((c.notIn & (1 << t)) != 0) {
                        continue; // an earlier reading of this table did not have it
                    }
                    if (snapshot.started() - c.acceptedAt <= 0) {
                        latestLeft = c.acceptedAt;
                        left = true;
                    } else if (agentSockets.contains(snapshot.peerOf(c.channel.socket()))) {
                        agents.add(c.channel);
                        i.remove();
                    } else if ((c.notIn |= 1 << t) == (1 << tables.size()) - 1) {
                        refusals.stranger(snapshot.size());
                        reset(c.channel);
                        i.remove();
                    }
                }
                if (left) {
                    ask(t, latestLeft);
                }
            }
            return agents;
        }

        /**
         * With as many waiting as we take, resets those the first table (the one the agent's sockets are in:
         * see SocketTable) did not have, before the other table confirms they are strangers: its reading is
         * the slow one under a flood of IPv4 connections, and new connections (the agent's) must get in.
         */
        void makeRoom(Refusals refusals) {
            if (candidates.size() < MAX_PENDING || tables.size() < 2) {
                return;
            }
            for (Iterator<Candidate> i = candidates.iterator(); i.hasNext() && candidates.size() > MAX_PENDING / 2; ) {
                Candidate c = i.next();
                if ((c.notIn & 1) != 0) {
                    refusals.stranger(0);
                    reset(c.channel);
                    i.remove();
                }
            }
        }

        void resetAll(Refusals refusals) {
            for (Candidate c : candidates) {
                refusals.stranger(0);
                reset(c.channel);
            }
            candidates.clear();
        }
    }

    /** An accepted connection, when it was accepted, and the tables (bits) whose reading did not have it. */
    private static final class Candidate {
        final SocketChannel channel;
        final long acceptedAt;
        int notIn;

        Candidate(SocketChannel channel, long acceptedAt) {
            this.channel = channel;
            this.acceptedAt = acceptedAt;
        }
    }

    private static boolean proves(Socket candidate, Check check, int proofTimeoutMillis, Refusals refusals) {
        try {
            candidate.setSoTimeout(proofTimeoutMillis);
            candidate.setTcpNoDelay(true);
            if (check.passes(candidate)) {
                return true;
            }
            refusals.unproven("it did not prove it is the session's");
        } catch (IOException e) {
            refusals.unproven(e.getMessage());
        }
        return false;
    }

    /** Closes with a reset: the connection leaves the socket table at once, with no TIME_WAIT entry. */
    private static void reset(SocketChannel c) {
        try {
            c.setOption(StandardSocketOptions.SO_LINGER, 0);
        } catch (IOException alreadyGone) {
            // closed by the peer: nothing lingers
        }
        try {
            c.close();
        } catch (IOException ignored) {
            // it is gone either way
        }
    }

    /** What the gate turned away, logged once and summed up (a flood must not become a flood of log lines). */
    private static final class Refusals {
        private final String what;
        private final long start = System.nanoTime();
        private int strangers;
        private int largestTable;

        Refusals(String what) {
            this.what = what;
        }

        void stranger(int tableSize) {
            if (strangers++ == 0) {
                LOG.warning("refused a connection to the " + what + " from a process that is not the session's Java process");
            }
            largestTable = Math.max(largestTable, tableSize);
        }

        void unproven(String why) {
            LOG.warning("refused a connection to the " + what + ": " + why);
        }

        void report() {
            if (strangers > 1) {
                LOG.warning("refused " + strangers + " connections to the " + what
                        + " from processes that are not the session's Java process in "
                        + (System.nanoTime() - start) / 1_000_000 + " ms (socket table up to " + largestTable + " entries)");
            }
        }
    }
}
