package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.Poll;
import threadbook.protocol.Message;

/**
 * A deadlock named in words when a cell is interrupted or %threads runs, with synchronized and with
 * ReentrantLock. Each test has its own kernel: deadlocked threads never end, and would be in the next report.
 */
class DeadlockReportIT {

    /**
     * Runs {@code code}, which calls awaitDeadlockSeen() once its threads are started (in one statement with the
     * join the interrupt must find: a cell runs its statements one by one), and interrupts it once that printed:
     * an interrupt names the deadlock the agent's watcher saw last (it looks twice a second, and the threads block
     * for good only after their 300 ms pause), so an interrupt before it saw this one names none.
     */
    private static String interruptAndCollect(KernelClient c, String code) {
        assertEquals("ok", c.execute("""
                void awaitDeadlockSeen() throws Exception {
                    java.lang.reflect.Field seen = Class.forName("threadbook.agent.LockReport").getField("latest");
                    while (((String) seen.get(null)).isEmpty()) { Thread.sleep(20); }
                    System.out.println("the watcher saw the deadlock");
                }""").status());
        String id = c.executeAsync(code);
        Poll.cellOutput(c, id, Duration.ofSeconds(60), "the agent's deadlock watcher saw the deadlock",
                out -> out.contains("the watcher saw the deadlock"));
        c.send(c.control, "interrupt_request", new JsonObject());
        Message reply = c.reply(c.shell, id, Duration.ofSeconds(30));
        assertEquals("error", reply.contentString("status", ""));
        StringBuilder err = new StringBuilder();
        for (Message m : c.iopubUntilIdle(id, Duration.ofSeconds(10))) {
            if (m.type().equals("stream") && m.contentString("name", "").equals("stderr")) {
                err.append(m.contentString("text", ""));
            }
        }
        return err.toString();
    }

    private static void assertFound(String regex, String text) {
        assertTrue(Pattern.compile(regex, Pattern.DOTALL).matcher(text).find(), "expected /" + regex + "/ in:\n" + text);
    }

    @Test
    void synchronizedDeadlockIsNamedOnInterruptAndByThreads() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient c = kernel.client()) {
            c.awaitReady(Duration.ofSeconds(30));
            c.execute("Object lockA = new Object(), lockB = new Object();\n"
                    + "void pause() { try { Thread.sleep(300); } catch (InterruptedException e) { } }");
            String err = interruptAndCollect(c, """
                    Thread t1 = new Thread(() -> { synchronized (lockA) { pause(); synchronized (lockB) { } } });
                    Thread t2 = new Thread(() -> { synchronized (lockB) { pause(); synchronized (lockA) { } } });
                    t1.start(); t2.start(); { awaitDeadlockSeen(); t1.join(); t2.join(); }""");
            assertFound("(Thread-\\d+) holds lockA and waits for lockB, which (Thread-\\d+) holds", err);
            assertFound("Thread-\\d+ holds lockB and waits for lockA, which Thread-\\d+ holds", err);
            assertFound(": a deadlock", err);
            assertFound("Thread-\\d+ is stuck at cell \\[\\d+\\], line 1\n", err);
            assertFound("Thread-\\d+ is stuck at cell \\[\\d+\\], line 2\n", err);

            String threads = c.execute("%threads").stdout();
            assertFound("holds lockA and waits for lockB", threads);
            assertFound("lock ordering|same order", threads);
        }
    }

    @Test
    void reentrantLockDeadlockIsNamedByThreadsAndOnInterrupt() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient c = kernel.client()) {
            c.awaitReady(Duration.ofSeconds(30));
            String none = c.execute("%threads").stdout();
            assertTrue(!none.contains("deadlock"), "no deadlock yet: " + none);
            KernelClient.Execution start = c.execute("""
                    ReentrantLock first = new ReentrantLock(), second = new ReentrantLock();
                    void pause() { try { Thread.sleep(300); } catch (InterruptedException e) { } }
                    Thread a = new Thread(() -> { first.lock(); try { pause(); second.lock(); } finally { first.unlock(); } }, "worker-a");
                    Thread b = new Thread(() -> { second.lock(); try { pause(); first.lock(); } finally { second.unlock(); } }, "worker-b");
                    a.start(); b.start();""");
            assertEquals("ok", start.status(), String.valueOf(start.error()));
            String threads = Poll.until(Duration.ofSeconds(30), "%threads names the deadlock",
                    () -> c.execute("%threads").stdout(), t -> t.contains("a deadlock"));
            assertFound("worker-a holds first and waits for second, which worker-b holds", threads);
            assertFound("worker-b holds second and waits for first, which worker-a holds: a deadlock", threads);
            assertFound("worker-a is stuck at cell \\[\\d+\\], line 3\n", threads);

            String err = interruptAndCollect(c, "{ awaitDeadlockSeen(); a.join(); }");
            assertFound("worker-a holds first and waits for second, which worker-b holds", err);
        }
    }
}
