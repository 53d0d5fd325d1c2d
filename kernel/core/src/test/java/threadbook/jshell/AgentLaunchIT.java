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
        // Other test classes start processes of their own meanwhile: this session's is the JVM given the bad option.
        java.util.function.Supplier<List<String>> left = () -> ProcessHandle.current().descendants()
                .filter(ProcessHandle::isAlive)
                .map(p -> p.info().commandLine().orElse(""))
                .filter(line -> line.contains("NoSuchOptionForThreadbook"))
                .toList();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!left.get().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(50);
        }
        assertTrue(left.get().isEmpty(), "a process stayed behind: " + left.get());
    }
}
