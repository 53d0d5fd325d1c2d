package threadbook.client;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import threadbook.protocol.ConnectionInfo;

/**
 * The real kernel, started as its own process from the build's class path, with a connection file of
 * free loopback ports. Its log goes to a file that tests may read, and a person after the run: each kernel has a
 * private folder under kernel/core/target/kernels (so {@code mvn clean} removes them, not left in /tmp).
 */
public final class KernelProcess implements AutoCloseable {
    private static final Path FOLDERS = InstalledKernel.REPO.resolve("kernel/core/target/kernels");

    public final Process process;
    public final Path connectionFile;
    public final Path log;
    public final JsonObject connection;

    private KernelProcess(Process process, Path connectionFile, Path log, JsonObject connection) {
        this.process = process;
        this.connectionFile = connectionFile;
        this.log = log;
        this.connection = connection;
    }

    public static KernelProcess start() throws IOException {
        return start(UUID.randomUUID().toString());
    }

    public static KernelProcess start(String key) throws IOException {
        return start(key, java.util.Map.of());
    }

    /** A kernel with extra environment, e.g. THREADBOOK_AGENT_OPTS for the agent JVM's options. */
    public static KernelProcess start(java.util.Map<String, String> env) throws IOException {
        return start(UUID.randomUUID().toString(), env);
    }

    public static KernelProcess start(String key, java.util.Map<String, String> env) throws IOException {
        return start(key, env, null, null);
    }

    /** A kernel running on the JDK at {@code javaHome} (the tests' own JDK otherwise). */
    public static KernelProcess start(Path javaHome, String key, java.util.Map<String, String> env) throws IOException {
        return start(key, env, null, javaHome);
    }

    /** A kernel run by another {@code java} binary than the tests' own (e.g. a JDK 21+ for virtual threads). */
    public static KernelProcess start(java.util.Map<String, String> env, Path java) throws IOException {
        return start(UUID.randomUUID().toString(), env, null, java.toAbsolutePath().getParent().getParent());
    }

    /**
     * A kernel run by the JDK at {@code javaHome} (null: the tests' own) in the working folder
     * {@code workDir} (null: the tests' own).
     */
    public static KernelProcess start(String key, java.util.Map<String, String> env, Path workDir, Path javaHome)
            throws IOException {
        Path dir = Files.createTempDirectory(Files.createDirectories(FOLDERS), "kernel-");
        JsonObject c = new JsonObject();
        c.addProperty("transport", "tcp");
        c.addProperty("ip", "127.0.0.1");
        for (String name : List.of("shell_port", "iopub_port", "stdin_port", "control_port", "hb_port")) {
            c.addProperty(name, freePort());
        }
        c.addProperty("key", key);
        c.addProperty("signature_scheme", "hmac-sha256");
        c.addProperty("kernel_name", "threadbook");
        Path file = dir.resolve("kernel.json");
        Files.writeString(file, c.toString(), StandardCharsets.UTF_8);
        Path log = dir.resolve("kernel.log");
        List<String> command = new ArrayList<>();
        command.add((javaHome != null ? javaHome : Path.of(System.getProperty("java.home"))).resolve("bin").resolve("java").toString());
        // The kernelspec's JVM options: the tests measure the kernel users run, and its C1-only compiler and
        // serial collector burn less of the two cores the tests share than the JVM's defaults.
        command.add("@" + InstalledKernel.REPO.resolve("install/kernel-jvm.options"));
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("threadbook.Main");
        command.add("-f");
        command.add(file.toString());
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        if (workDir != null) {
            pb.directory(workDir.toFile());
        }
        return new KernelProcess(pb.start(), file, log, c);
    }

    public KernelClient client() {
        return new KernelClient(connection);
    }

    public String log() {
        try {
            return Files.readString(log, StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }

    /** Every process below the kernel (the agent JVM and what it started). */
    public List<ProcessHandle> descendants() {
        return process.descendants().toList();
    }

    /** A connection on loopback with five free ports and {@code key}, for tests that make the kernel's sockets themselves. */
    public static ConnectionInfo loopbackConnection(String key) throws IOException {
        return new ConnectionInfo("tcp", InetAddress.getLoopbackAddress().getHostAddress(), freePort(),
                freePort(), freePort(), freePort(), freePort(), key, "hmac-sha256");
    }

    /** Every port this JVM's tests have written into a connection file (test classes run side by side). */
    private static final java.util.Set<Integer> HANDED_OUT = java.util.concurrent.ConcurrentHashMap.newKeySet();

    /**
     * A free port below Linux's ephemeral range (32768-60999): a client that connects before the kernel
     * listens can, by TCP's simultaneous open, connect to itself on a port of that range and keep the kernel
     * from binding it; and the kernel's own loopback connections could take such a port first.
     */
    private static int freePort() throws IOException {
        java.util.concurrent.ThreadLocalRandom random = java.util.concurrent.ThreadLocalRandom.current();
        for (int tries = 0; tries < 200; tries++) {
            int port = random.nextInt(20_000, 32_000);
            if (!HANDED_OUT.add(port)) {
                continue; // free now, but a kernel started by another test class at the same time may be about to bind it
            }
            try (ServerSocket s = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
                return s.getLocalPort();
            } catch (IOException taken) {
                // try another
            }
        }
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        List<ProcessHandle> children = descendants();
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        children.forEach(ProcessHandle::destroyForcibly);
    }
}
