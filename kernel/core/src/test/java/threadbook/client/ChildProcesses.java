package threadbook.client;

import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import threadbook.protocol.Message;

/**
 * "A kernel of the test's own ends, and no process it started survives it": the processes below the kernel are
 * taken before it ends (afterwards the kernel is gone and so is their parentage), then each must end too.
 */
public final class ChildProcesses {
    /** Processes end asynchronously after their parent; on a loaded machine that takes a while. */
    static final Duration GRACE = Duration.ofSeconds(10);

    private ChildProcesses() {}

    /** The agent JVM and whatever the cells started, now. */
    public static List<ProcessHandle> below(KernelProcess kernel) {
        return kernel.descendants();
    }

    /**
     * Sends shutdown_request (a restart when {@code restart}) on the control channel, as a frontend does, and
     * waits for the kernel process to exit: a restarting kernel exits too, the frontend starts a new one.
     * Returns the kernel's reply.
     */
    public static Message shutdown(KernelProcess kernel, KernelClient client, boolean restart) throws InterruptedException {
        JsonObject content = new JsonObject();
        content.addProperty("restart", restart);
        Message reply = client.reply(client.control, client.send(client.control, "shutdown_request", content), Duration.ofSeconds(10));
        assertTrue(kernel.process.waitFor(15, TimeUnit.SECONDS), "the kernel exited after shutdown_request; its log:\n" + kernel.log());
        return reply;
    }

    /** Fails, naming the survivors, unless every one of {@code processes} has ended within a grace period. */
    public static void assertNoneSurvives(List<ProcessHandle> processes, String what) throws InterruptedException {
        long deadline = System.nanoTime() + GRACE.toNanos();
        while (processes.stream().anyMatch(ProcessHandle::isAlive) && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        List<String> alive = processes.stream().filter(ProcessHandle::isAlive)
                .map(p -> p.pid() + " " + p.info().command().orElse("")).toList();
        assertTrue(alive.isEmpty(), what + ": still running " + GRACE.toSeconds() + " s later: " + alive);
    }
}
