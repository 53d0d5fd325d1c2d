package threadbook.remote;

import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import java.security.MessageDigest;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;
import java.util.stream.Stream;
import jdk.net.ExtendedSocketOptions;
import jdk.net.UnixDomainPrincipal;
import threadbook.host.PrivateFolder;

/**
 * The folder of a Java session's two Unix-domain sockets, JShell's commands and the event channel: a folder
 * of the user's private cache (0700), so no other user can connect to them, or flood them, at all. Only the
 * debug connection is left on loopback TCP (JDWP has no other transport on Linux), behind LoopbackGate.
 */
final class AgentSockets implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(AgentSockets.class.getName());
    /** A socket's path must fit in sun_path: 108 bytes on Linux, 104 on macOS, with room for the name. */
    private static final int MAX_FOLDER_PATH = 90;
    private static final String PREFIX = "agent-";

    private final Path folder;
    private final UserPrincipal owner;

    AgentSockets() throws IOException {
        folder = makeFolder();
        owner = Files.getOwner(folder);
    }

    private static Path makeFolder() throws IOException {
        Path cache = PrivateFolder.get();
        removeLeftovers(cache);
        var ownerOnly = PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------"));
        String prefix = PREFIX + ProcessHandle.current().pid() + "-";
        if (cache.toString().length() + prefix.length() + 12 <= MAX_FOLDER_PATH) {
            return Files.createTempDirectory(cache, prefix, ownerOnly);
        }
        // A long home path: a folder of a random name in the temp folder, private as well.
        return Files.createTempDirectory("threadbook-" + prefix, ownerOnly);
    }

    /** Folders of kernels that ended without closing theirs (killed): their pid is not alive. */
    private static void removeLeftovers(Path cache) {
        try (Stream<Path> entries = Files.list(cache)) {
            entries.filter(p -> p.getFileName().toString().startsWith(PREFIX)).forEach(p -> {
                String[] parts = p.getFileName().toString().split("-");
                try {
                    long pid = Long.parseLong(parts[1]);
                    if (ProcessHandle.of(pid).isEmpty()) {
                        deleteFolder(p);
                    }
                } catch (RuntimeException ignored) {
                    // not one of ours
                }
            });
        } catch (IOException ignored) {
            // nothing to clean
        }
    }

    /** A listening socket named {@code name} in the folder. */
    ServerSocketChannel listen(String name) throws IOException {
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(folder.resolve(name)));
        return server;
    }

    static Path path(ServerSocketChannel server) throws IOException {
        return ((UnixDomainSocketAddress) server.getLocalAddress()).getPath();
    }

    /**
     * Waits for the agent's connection: one of the user's own processes (only those can enter the folder;
     * the peer's credentials say so again) that sends the session's secret first. Another of the user's
     * processes that connects and stays silent is closed after LoopbackGate's proof timeout; the wait goes
     * on until {@code timeoutMillis} or until {@code peerAlive} turns false. Closes {@code server}.
     */
    SocketChannel accept(ServerSocketChannel server, byte[] secret, long timeoutMillis, BooleanSupplier peerAlive,
            String what) throws IOException {
        long deadline = System.nanoTime() + timeoutMillis * 1_000_000;
        try (server; Selector selector = Selector.open()) {
            server.configureBlocking(false);
            server.register(selector, SelectionKey.OP_ACCEPT);
            while (true) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("the Java process did not connect to the " + what + " within "
                            + timeoutMillis / 1000 + " s");
                }
                if (!peerAlive.getAsBoolean()) {
                    throw new IOException("the Java process ended before it connected to the " + what);
                }
                selector.select(Math.min(left, 200));
                selector.selectedKeys().clear();
                for (SocketChannel candidate = server.accept(); candidate != null; candidate = server.accept()) {
                    if (admit(candidate, secret, what)) {
                        candidate.configureBlocking(true);
                        return candidate;
                    }
                    candidate.close();
                }
            }
        }
    }

    private boolean admit(SocketChannel candidate, byte[] secret, String what) {
        try {
            UnixDomainPrincipal peer = candidate.getOption(ExtendedSocketOptions.SO_PEERCRED);
            if (!peer.user().equals(owner)) {
                LOG.warning("refused a connection to the " + what + " from another user (" + peer.user().getName() + ")");
                return false;
            }
        } catch (IOException | UnsupportedOperationException e) {
            // no credentials on this system: the folder's mode and the secret decide
        }
        try {
            if (MessageDigest.isEqual(secret, readProof(candidate, secret.length))) {
                return true;
            }
            LOG.warning("refused a connection to the " + what + " that did not prove it is the session's");
        } catch (IOException e) {
            LOG.warning("refused a connection to the " + what + ": " + e.getMessage());
        }
        return false;
    }

    /** The first {@code length} bytes, within LoopbackGate's proof timeout. */
    private static byte[] readProof(SocketChannel channel, int length) throws IOException {
        ByteBuffer got = ByteBuffer.allocate(length);
        long deadline = System.nanoTime() + LoopbackGate.PROOF_TIMEOUT_MILLIS * 1_000_000L;
        channel.configureBlocking(false);
        try (Selector selector = Selector.open()) {
            channel.register(selector, SelectionKey.OP_READ);
            while (got.hasRemaining()) {
                long left = (deadline - System.nanoTime()) / 1_000_000;
                if (left <= 0) {
                    throw new IOException("it sent nothing within " + LoopbackGate.PROOF_TIMEOUT_MILLIS + " ms");
                }
                selector.select(left);
                selector.selectedKeys().clear();
                if (channel.read(got) < 0) {
                    throw new IOException("it closed the connection after " + got.position() + " bytes");
                }
            }
        }
        return got.array();
    }

    @Override
    public void close() {
        deleteFolder(folder);
    }

    private static void deleteFolder(Path dir) {
        try (Stream<Path> entries = Files.list(dir)) {
            entries.forEach(p -> {
                try {
                    Files.deleteIfExists(p);
                } catch (IOException ignored) {
                    // left for the next kernel's clean-up
                }
            });
            Files.deleteIfExists(dir);
        } catch (IOException ignored) {
            // left for the next kernel's clean-up
        }
    }
}
