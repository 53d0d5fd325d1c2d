package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.agent.ThreadbookAgent;

/**
 * The agent JVM starts while JShell compiles the startup imports (LaunchingExecutionControl): a JVM that
 * cannot start still fails the session's start, with what the JVM said, and leaves no process behind.
 */
class AgentLaunchIT {

    @Test
    void anAgentJvmThatCannotStartFailsTheStartWithWhatItSaid() throws Exception {
        Path agent = Path.of(ThreadbookAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        InputProvider noInput = (cell, prompt) -> {
            throw new IOException("no input in this test");
        };
        IOException failed = assertThrows(IOException.class, () -> JShellSession.start(new SessionOptions(
                agent, List.of("-XX:+NoSuchOptionForThreadbook"), List.of(), noInput, e -> { }, List.of())));
        assertTrue(failed.getMessage().contains("the Java process for the notebook did not start"), failed.getMessage());
        assertTrue(failed.getMessage().contains("NoSuchOptionForThreadbook"), failed.getMessage());
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (ProcessHandle.current().descendants().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(ProcessHandle.current().descendants().noneMatch(ProcessHandle::isAlive),
                "a process stayed behind: " + ProcessHandle.current().descendants().map(p -> p.info().commandLine().orElse("?")).toList());
    }
}
