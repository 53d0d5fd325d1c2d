package threadbook.remote;

import com.sun.jdi.Bootstrap;
import com.sun.jdi.VirtualMachine;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.function.Consumer;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import threadbook.agent.ThreadbookAgent;
import threadbook.agent.UnixSockets;

/**
 * Starts the agent JVM for JShell, as JShell's default JDI provider does, with two differences: JShell's
 * commands go over a Unix-domain socket in the session's private folder (see AgentSockets), and the debug
 * connection, which JDWP can only make over TCP, is let in only when LoopbackGate finds it is the agent's own;
 * the session's secret reaches the agent on its stdin. Keeps a handle on the agent for the kernel.
 */
final class AgentExecutionControlProvider implements ExecutionControlProvider {
    private static final int LAUNCH_TIMEOUT_MILLIS = 60_000;
    private static final int OUTPUT_KEPT = 8192;

    private final List<String> agentVmOptions;
    private final byte[] secret;
    private final Consumer<ProcessHandle> agentStarted;
    private final AgentSockets sockets;
    private volatile AgentExecutionControl control;
    private volatile LaunchingExecutionControl launching;

    /** {@code agentStarted} learns the agent's process as soon as it exists (the event channel's gate). */
    AgentExecutionControlProvider(List<String> agentVmOptions, byte[] secret, Consumer<ProcessHandle> agentStarted,
            AgentSockets sockets) {
        this.sockets = sockets;
        this.agentVmOptions = List.copyOf(agentVmOptions);
        this.secret = secret.clone();
        this.agentStarted = agentStarted;
    }

    @Override
    public String name() {
        return "threadbook";
    }

    AgentExecutionControl control() {
        return control;
    }

    /**
     * Starts the agent JVM in the background and returns at once: JShell compiles what needs no agent (the
     * startup imports) while the JVM starts, instead of after it. The engine waits for the JVM on first use.
     */
    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) {
        launching = new LaunchingExecutionControl(launched -> launch(env, launched));
        return launching;
    }

    /** Waits until the agent JVM runs; the IOException says why it could not start. */
    void awaitLaunch() throws IOException {
        launching.await();
    }

    private AgentExecutionControl launch(ExecutionEnv env, Consumer<Process> started) throws Exception {
        InetAddress loopback = InetAddress.getLoopbackAddress();
        try (ServerSocketChannel debug = LoopbackGate.listen();
             ServerSocketChannel commands = sockets.listen("commands")) {
            List<String> command = new ArrayList<>();
            command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
            // The agent connects to the kernel's debug port (suspended until JDI lets it run): a JVM that
            // listened instead could be attached to by any local user.
            command.add("-agentlib:jdwp=transport=dt_socket,address=" + debugAddress(loopback) + ":" + LoopbackGate.port(debug));
            command.addAll(env.extraRemoteVMOptions());
            command.addAll(agentVmOptions);
            command.add(ThreadbookAgent.class.getName());
            command.add(AgentSockets.path(commands).toString());
            ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
            Process process = pb.start();
            started.accept(process);
            agentStarted.accept(process.toHandle());
            OutputTail output = new OutputTail(process.getInputStream());
            // Both gates take connections from now on, the command port's too while the debug connection is
            // being made: a port nobody accepts on would fill up under a flood and drop the agent's own.
            CompletableFuture<SocketChannel> commandSocket = inBackground(() -> sockets.accept(commands, secret,
                    LAUNCH_TIMEOUT_MILLIS, process::isAlive, "command socket"));
            try {
                Socket debugSocket = LoopbackGate.accept(debug, process.pid(), JdwpConnection.handshake(),
                        LAUNCH_TIMEOUT_MILLIS, process::isAlive, "debug port");
                VirtualMachine vm = Bootstrap.virtualMachineManager()
                        .createVirtualMachine(new JdwpConnection(debugSocket), process);
                // JShell closes itself when the agent dies; the session notices through JShell.onShutdown.
                // This also lets the agent run: it waits, suspended, for JDI. Our own loop, not JShell's
                // (which resumes every event): the debugger keeps a thread stopped at a breakpoint.
                JdiEvents events = new JdiEvents(vm, env::closeDown);
                try (OutputStream stdin = process.getOutputStream()) {
                    stdin.write(secret);
                }
                SocketChannel socket = result(commandSocket);
                // Plain object streams on the socket, as the agent has (see ThreadbookAgent.main): JShell's
                // multiplexing would carry out, err and in, which go through the event channel instead, and
                // would pass every answer through one more thread.
                ObjectOutputStream toAgent = new ObjectOutputStream(new BufferedOutputStream(UnixSockets.out(socket)));
                toAgent.flush(); // the stream header: the agent's ObjectInputStream waits for it
                ObjectInputStream fromAgent = new ObjectInputStream(new BufferedInputStream(UnixSockets.in(socket)));
                control = new AgentExecutionControl(toAgent, fromAgent, vm, process, events);
                control.newClassesOnly(agentVmOptions.stream().anyMatch(o -> o.startsWith("-D" + threadbook.agent.StartupJarsLoader.PROPERTY + "=")));
                return control;
            } catch (IOException | RuntimeException e) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
                process.waitFor();
                String said = output.text();
                throw new IOException("the Java process for the notebook did not start: " + e.getMessage()
                        + (said.isBlank() ? "" : "\nIt printed:\n" + said), e);
            }
        }
    }

    /**
     * Where JDWP connects to: 127.0.0.1 as an IPv6 address where the system has IPv6, so that the agent's
     * socket is an IPv6 one like its others, listed apart from a flood of IPv4 connections (see SocketTable).
     */
    private static String debugAddress(InetAddress loopback) {
        if (loopback instanceof java.net.Inet4Address && java.nio.file.Files.isReadable(Path.of("/proc/net/tcp6"))) {
            return "[::ffff:" + loopback.getHostAddress() + "]";
        }
        return loopback.getHostAddress();
    }

    private interface Accept {
        SocketChannel run() throws IOException;
    }

    private static CompletableFuture<SocketChannel> inBackground(Accept accept) {
        CompletableFuture<SocketChannel> result = new CompletableFuture<>();
        Thread t = new Thread(() -> {
            try {
                result.complete(accept.run());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "threadbook-command-port");
        t.setDaemon(true);
        t.start();
        return result;
    }

    private static SocketChannel result(CompletableFuture<SocketChannel> accepted) throws IOException, InterruptedException {
        try {
            return accepted.get();
        } catch (ExecutionException e) {
            throw e.getCause() instanceof IOException io ? io : new IOException(e.getCause());
        }
    }

    /**
     * Reads what the agent JVM prints outside of cells (JVM warnings, a launch failure) so that it never
     * blocks on a full pipe, and keeps the end of it to explain a failed launch.
     */
    private static final class OutputTail {
        private final StringBuilder kept = new StringBuilder();

        OutputTail(InputStream in) {
            Thread t = new Thread(() -> {
                byte[] buffer = new byte[4096];
                try (in) {
                    for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
                        synchronized (kept) {
                            kept.append(new String(buffer, 0, n, StandardCharsets.UTF_8));
                            if (kept.length() > OUTPUT_KEPT) {
                                kept.delete(0, kept.length() - OUTPUT_KEPT);
                            }
                        }
                    }
                } catch (IOException ignored) {
                    // the process is gone
                }
            }, "threadbook-agent-output");
            t.setDaemon(true);
            t.start();
        }

        String text() {
            try {
                Thread.sleep(100); // the last lines of a JVM that just died may still be in the pipe
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            synchronized (kept) {
                return kept.toString();
            }
        }
    }
}
