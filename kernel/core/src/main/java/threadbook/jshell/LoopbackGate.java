package threadbook.jshell;

import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
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
import java.util.List;
import java.util.Set;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Lets only our own agent through a loopback port. Any local user can connect to a loopback port, and
 * can choose the address (any 127.x.y.z) and port a connection comes from, so each connection is judged by
 * the whole connection: on Linux the socket at its other end (found in the socket table by both addresses
 * and ports) must be one the agent process holds open (one of its /proc/PID/fd), which no other process
 * can fake, of another user or of ours. That is decided when the connection is accepted, before a byte is
 * read: a stranger is reset at once (no TIME_WAIT left behind in the table the next check reads), so holding
 * connections open or flooding the port costs the agent nothing but a table reading now and then (see
 * SocketTable). Only the agent's own connection then passes {@code check} (the session's secret). Once it
 * is in, the port is closed, so nobody else can even try. Without the table (not Linux) only the check
 * remains, and each connection gets up to {@code proofTimeoutMillis} to pass it.
 */
final class LoopbackGate {
    private static final Logger LOG = Logger.getLogger(LoopbackGate.class.getName());

    /** How long a connection may take to prove itself; our agent does it at once. */
    static final int PROOF_TIMEOUT_MILLIS = 5_000;
    /** Connections waiting in the kernel's queue while we judge the last ones (somaxconn caps it). */
    private static final int BACKLOG = 4096;
    /** Connections judged on one table reading at most. */
    private static final int BATCH = 1024;

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

    /** A new loopback port for the gate, with room for a flood of connections to wait in. */
    static ServerSocketChannel listen() throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open();
        try {
            server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), BACKLOG);
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
            BooleanSupplier peerAlive, String what, SocketTable table, int proofTimeoutMillis) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        boolean byTable = table.available();
        Refusals refusals = new Refusals(what);
        try (server; Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
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
                List<SocketChannel> batch = new ArrayList<>();
                for (SocketChannel c; batch.size() < BATCH && (c = server.accept()) != null; ) {
                    batch.add(c);
                }
                if (batch.isEmpty()) {
                    continue;
                }
                Socket admitted = judge(batch, byTable ? table : null, agentPid, check, proofTimeoutMillis, refusals);
                if (admitted != null) {
                    admitted.setSoTimeout(0);
                    return admitted;
                }
            }
        } finally {
            refusals.report();
        }
    }

    /** The one connection of the batch that is the agent's and passes the check; the others are reset. */
    private static Socket judge(List<SocketChannel> batch, SocketTable table, long agentPid, Check check,
            int proofTimeoutMillis, Refusals refusals) throws IOException {
        SocketTable.Snapshot snapshot = null;
        Set<Long> agentSockets = Set.of();
        if (table != null) {
            try {
                snapshot = table.after(System.nanoTime());
            } catch (InterruptedException e) {
                batch.forEach(LoopbackGate::reset);
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted while checking a connection");
            }
            agentSockets = table.socketsOf(agentPid);
        }
        Socket admitted = null;
        int tableSize = snapshot == null ? 0 : snapshot.size();
        for (SocketChannel c : batch) {
            Socket s = c.socket();
            if (admitted != null || (snapshot != null && !agentSockets.contains(snapshot.peerOf(s)))) {
                refusals.stranger(tableSize);
                reset(c);
            } else if (proves(s, check, proofTimeoutMillis, refusals)) {
                admitted = s;
            } else {
                reset(c);
            }
        }
        return admitted;
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
                        + " from processes that are not the session's Java process (socket table up to "
                        + largestTable + " entries)");
            }
        }
    }
}
