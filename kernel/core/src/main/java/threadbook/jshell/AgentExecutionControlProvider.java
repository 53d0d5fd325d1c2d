package threadbook.jshell;

import com.sun.jdi.VirtualMachine;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import jdk.jshell.execution.JdiInitiator;
import jdk.jshell.execution.Util;
import jdk.jshell.spi.ExecutionControl;
import jdk.jshell.spi.ExecutionControlProvider;
import jdk.jshell.spi.ExecutionEnv;
import threadbook.agent.ThreadbookAgent;

/**
 * Starts the agent JVM for JShell. It does what JShell's default JDI provider does, plus TCP_NODELAY
 * on the kernel's end of the socket (with the agent's end, that takes a trivial cell from ~196 ms to
 * ~25 ms), and keeps a handle on the agent for the kernel.
 */
final class AgentExecutionControlProvider implements ExecutionControlProvider {
    private static final int LAUNCH_TIMEOUT_MILLIS = 60_000;

    private final List<String> agentVmOptions;
    private volatile AgentExecutionControl control;

    AgentExecutionControlProvider(List<String> agentVmOptions) {
        this.agentVmOptions = List.copyOf(agentVmOptions);
    }

    @Override
    public String name() {
        return "threadbook";
    }

    AgentExecutionControl control() {
        return control;
    }

    @Override
    public ExecutionControl generate(ExecutionEnv env, Map<String, String> parameters) throws Throwable {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            listener.setSoTimeout(LAUNCH_TIMEOUT_MILLIS);
            List<String> options = new ArrayList<>(env.extraRemoteVMOptions());
            options.addAll(agentVmOptions);
            JdiInitiator jdi = new JdiInitiator(listener.getLocalPort(), options,
                    ThreadbookAgent.class.getName(), false, null, LAUNCH_TIMEOUT_MILLIS, Map.of());
            VirtualMachine vm = jdi.vm();
            Process process = jdi.process();
            // JShell closes itself when the agent dies; the session notices through JShell.onShutdown.
            Util.detectJdiExitEvent(vm, reason -> env.closeDown());
            Socket socket = listener.accept();
            socket.setTcpNoDelay(true);
            Map<String, OutputStream> outputs = new HashMap<>();
            outputs.put("out", env.userOut());
            outputs.put("err", env.userErr());
            Map<String, InputStream> inputs = new HashMap<>();
            inputs.put("in", env.userIn());
            ExecutionControl ec = Util.remoteInputOutput(socket.getInputStream(), socket.getOutputStream(),
                    outputs, inputs, (in, out) -> new AgentExecutionControl(out, in, vm, process));
            control = (AgentExecutionControl) ec;
            return ec;
        }
    }
}
