package threadbook.jshell;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.OptionalInt;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * Lets only our own agent through a loopback port. Any local user can connect to a loopback port, so each
 * connection must first prove itself: on Linux its socket must belong to our uid (read from
 * /proc/net/tcp), and it must pass {@code check} (send the session's secret) within a few seconds. A
 * stranger, a silent connection or a wrong secret is closed and the gate waits on for the right peer; once
 * that one is in, the port is closed, so nobody else can even try.
 */
final class LoopbackGate {
    private static final Logger LOG = Logger.getLogger(LoopbackGate.class.getName());

    /** How long a connection may take to prove itself; our agent does it at once. */
    static final int PROOF_TIMEOUT_MILLIS = 5_000;

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
     * Waits for the peer that passes the checks, until {@code timeoutMillis} or until {@code peerAlive}
     * turns false; closes {@code server} in any case. Throws IOException if the right peer never came.
     */
    static Socket accept(ServerSocket server, Check check, long timeoutMillis, BooleanSupplier peerAlive, String what)
            throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (server) {
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new SocketTimeoutException("the Java process did not connect to the " + what
                            + " within " + timeoutMillis / 1000 + " s");
                }
                if (!peerAlive.getAsBoolean()) {
                    throw new IOException("the Java process ended before it connected to the " + what);
                }
                server.setSoTimeout((int) Math.min(left, 500));
                Socket candidate;
                try {
                    candidate = server.accept();
                } catch (SocketTimeoutException tick) {
                    continue;
                }
                if (admit(candidate, check, what)) {
                    candidate.setSoTimeout(0);
                    return candidate;
                }
                candidate.close();
            }
        }
    }

    private static boolean admit(Socket candidate, Check check, String what) {
        try {
            OptionalInt uid = peerUid(candidate);
            if (uid.isPresent() && uid.getAsInt() != myUid()) {
                LOG.warning("refused a connection to the " + what + " from another user (uid " + uid.getAsInt() + ")");
                return false;
            }
            candidate.setSoTimeout(PROOF_TIMEOUT_MILLIS);
            candidate.setTcpNoDelay(true);
            if (check.passes(candidate)) {
                return true;
            }
            LOG.warning("refused a connection to the " + what + " that did not prove it is the session's");
        } catch (IOException e) {
            LOG.warning("refused a connection to the " + what + ": " + e.getMessage());
        }
        return false;
    }

    /**
     * The uid owning the other end of a loopback connection, from the kernel's socket table (Linux); empty
     * where there is no such table, or the peer's socket is not found (it may have closed already: then
     * the check below fails anyway).
     */
    static OptionalInt peerUid(Socket accepted) throws IOException {
        String peer = String.format(":%04X", accepted.getPort());
        String local = String.format(":%04X", accepted.getLocalPort());
        boolean anyTable = false;
        // tcp6 first: a JVM's sockets (our agent's) are IPv6 ones even on 127.0.0.1. Reading a table costs
        // the kernel some milliseconds, so the search stops at the first match.
        for (String table : List.of("/proc/net/tcp6", "/proc/net/tcp")) {
            Path file = Path.of(table);
            if (!Files.isReadable(file)) {
                continue;
            }
            anyTable = true;
            try (BufferedReader lines = Files.newBufferedReader(file, StandardCharsets.US_ASCII)) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 7 && f[1].endsWith(peer) && f[2].endsWith(local)) {
                        return OptionalInt.of(Integer.parseInt(f[7]));
                    }
                }
            }
        }
        if (anyTable) {
            throw new IOException("the peer's socket is not in the socket table (it closed already)");
        }
        return OptionalInt.empty();
    }

    private static Integer uid;

    private static synchronized int myUid() throws IOException {
        if (uid == null) {
            uid = (Integer) Files.getAttribute(Path.of("/proc/self"), "unix:uid");
        }
        return uid;
    }
}
