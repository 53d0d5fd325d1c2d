package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import threadbook.agent.Event;
import threadbook.agent.ThreadbookAgent;

/**
 * A session warms up before it is ready (JShellSession.warmUp): the first cell then runs as later ones do,
 * with no background work of JShell's beside it, and the warm-up itself shows nothing. A real agent JVM,
 * started in this JVM as the kernel starts it, so that the kernel's own threads can be looked at.
 */
class SessionWarmUpIT {

    @Test
    void nothingOfJShellRunsInTheBackgroundAfterTheFirstCellAndTheWarmUpPrintsNothing() throws Exception {
        List<Event> events = new CopyOnWriteArrayList<>();
        Path agent = Path.of(ThreadbookAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        InputProvider noInput = (cell, prompt) -> {
            throw new IOException("no input in this test");
        };
        try (JShellSession session = JShellSession.start(new SessionOptions(agent, List.of(), List.of(),
                noInput, events::add, List.of()))) {
            assertTrue(events.stream().noneMatch(e -> e instanceof Event.Stream),
                    "the warm-up's 10,000 lines must not reach the notebook: " + events.size() + " events");
            // Its end-of-output mark must come back: without it the session waited 3 s for it before it was ready.
            assertTrue(events.stream().anyMatch(e -> e instanceof Event.Sync && e.cell() == JShellSession.WARM_UP_CELL),
                    "the warm-up's end-of-output mark did not reach the kernel: " + events);

            CellResult first = session.runJava(1, "[1]", "System.out.println(\"first\");");
            assertEquals(CellResult.Status.OK, first.status(), String.valueOf(first.evalue()));
            // Before the warm-up, the first cell made JShell list every class of the JDK on a thread of its
            // own (about half a second of CPU), while the first timed cells ran.
            assertFalse(classIndexBuilding(), "JShell still builds its class index after the first cell");
            ThreadMXBean threads = ManagementFactory.getThreadMXBean();
            long before = javaCpuNanos(threads);
            Thread.sleep(1000);
            long burnt = javaCpuNanos(threads) - before;
            assertTrue(burnt < 200_000_000L, "the kernel's threads used " + burnt / 1_000_000
                    + " ms of CPU in the second after the first cell, with nothing to do");

            String printed = events.stream().filter(e -> e instanceof Event.Stream)
                    .map(e -> e.cell() + ":" + new String(((Event.Stream) e).bytes(), StandardCharsets.UTF_8))
                    .reduce("", String::concat);
            assertEquals("1:first\n", printed);
        }
    }

    /**
     * The startup imports are one snippet (see JShellSession.importStartupPackages): every one of them
     * applies, also after cells that import some of them again, and a restarted session has them too.
     */
    @Test
    void everyStartupImportAppliesAlsoAfterACellImportsSomeAgain() throws Exception {
        Path agent = Path.of(ThreadbookAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        List<Event> events = new CopyOnWriteArrayList<>();
        InputProvider noInput = (cell, prompt) -> {
            throw new IOException("no input in this test");
        };
        // One class of each startup package, and Threadbook's API with its static functions.
        String usesAll = "List<Object> all = List.of(File.class, BigInteger.ONE, URI.class, HttpClient.class, Path.class,"
                + " Duration.ZERO, new ConcurrentHashMap<String, String>(), new AtomicInteger(), new ReentrantLock(),"
                + " (Function<String, String>) x -> x, Pattern.compile(\"a\"), Stream.of(1), WorkerPool.class);\n"
                + "Runnable r = () -> markdown(\"x\");\n"
                + "System.out.println(all.size());";
        try (JShellSession session = JShellSession.start(new SessionOptions(agent, List.of(), List.of(),
                noInput, events::add, List.of()))) {
            CellResult first = session.runJava(1, "[1]", usesAll);
            assertEquals(CellResult.Status.OK, first.status(), String.valueOf(first.evalue()));
            CellResult again = session.runJava(2, "[2]", "import java.util.*;\nimport java.io.*;\nimport threadbook.api.*;");
            assertEquals(CellResult.Status.OK, again.status(), String.valueOf(again.evalue()));
            CellResult after = session.runJava(3, "[3]", usesAll);
            assertEquals(CellResult.Status.OK, after.status(), String.valueOf(after.evalue()));
            String printed = events.stream().filter(e -> e instanceof Event.Stream)
                    .map(e -> e.cell() + ":" + new String(((Event.Stream) e).bytes(), StandardCharsets.UTF_8))
                    .reduce("", String::concat);
            assertEquals("1:13\n3:13\n", printed);
        }
    }

    private static boolean classIndexBuilding() {
        return Thread.getAllStackTraces().values().stream().flatMap(java.util.Arrays::stream)
                .anyMatch(f -> f.getClassName().equals("jdk.jshell.SourceCodeAnalysisImpl"));
    }

    /** CPU time of every live thread of this JVM (the kernel's side of the session is in it). */
    private static long javaCpuNanos(ThreadMXBean threads) {
        long sum = 0;
        for (long id : threads.getAllThreadIds()) {
            long t = threads.getThreadCpuTime(id);
            if (t > 0) {
                sum += t;
            }
        }
        return sum;
    }
}
