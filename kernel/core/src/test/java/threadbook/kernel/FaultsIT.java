package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.client.ChildProcesses;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.protocol.Message;

/** What kills other Java kernels must not kill this one; each test gets a kernel of its own. */
class FaultsIT {

    @Test
    void systemExitRestartsTheJavaSessionAndSaysSo() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(30));
            client.execute("int lost = 5;");
            client.execute("import java.util.function.IntUnaryOperator;\nrecord Pair(int a, int b) { int sum() { return a + b; } }\n"
                    + "int twice(int x) { return 2 * x; }");
            KernelClient.Execution exit = client.execute("System.out.println(\"bye\"); System.exit(3);");
            assertEquals("error", exit.status());
            String evalue = exit.error().contentString("evalue", "");
            assertTrue(evalue.contains("System.exit(3)"), evalue);
            assertTrue(evalue.contains("variables are gone") && evalue.contains("3 method, class and import definitions are"
                    + " defined again"), evalue);
            assertEquals("bye\n", exit.stdout());
            assertEquals("2", client.execute("1 + 1").result(), "the next cell runs in a fresh session");
            assertEquals("error", client.execute("lost").status(), "the old variables are gone, as the message said");
            assertEquals("14", client.execute("IntUnaryOperator f = x -> twice(x); f.applyAsInt(new Pair(3, 4).sum())").result(),
                    "methods, records and imports were defined again");
            assertTrue(kernel.process.isAlive());
        }
    }

    @Test
    void stopOnErrorAbortsTheCellsAlreadyQueued() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(30));
            client.execute("1");
            String failing = client.executeAsync("Thread.sleep(300); throw new IllegalStateException(\"first fails\");");
            String queued = client.executeAsync("System.out.println(\"must not run\")");
            var replies = client.replies(client.shell, List.of(failing, queued), Duration.ofSeconds(30));
            assertEquals("error", replies.get(failing).contentString("status", ""));
            assertEquals("aborted", replies.get(queued).contentString("status", ""));
            assertEquals("ok", client.execute("System.out.println(\"runs again\")").status());
        }
    }

    @Test
    void shutdownEndsTheKernelAndEveryProcessItStarted() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(30));
            client.execute("new ProcessBuilder(\"sleep\", \"300\").start();");
            List<ProcessHandle> below = ChildProcesses.below(kernel);
            assertTrue(below.size() >= 2, "agent JVM and sleep: " + below);
            Message reply = ChildProcesses.shutdown(kernel, client, false);
            assertEquals("ok", reply.contentString("status", ""));
            ChildProcesses.assertNoneSurvives(below, "no process left behind after shutdown");
        }
    }

    @Test
    void killingTheKernelLeavesNoProcessBehind() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(30));
            client.execute("new ProcessBuilder(\"sleep\", \"300\").start();\n"
                    + "new Thread(() -> { while (true) { try { Thread.sleep(100); } catch (InterruptedException e) { } } }).start();");
            List<ProcessHandle> below = ChildProcesses.below(kernel);
            assertTrue(below.size() >= 2, "agent JVM and sleep: " + below);
            kernel.process.destroyForcibly(); // SIGKILL: no shutdown hook runs in the kernel
            ChildProcesses.assertNoneSurvives(below, "orphans of a killed kernel");
        }
    }
}
