package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import threadbook.agent.Event;
import threadbook.agent.ThreadbookAgent;

/**
 * A cell's round trip with the agent JVM is what JShell itself must send (load the class, invoke it): the
 * cell's start travels with the invoke and its end comes back on the event channel, yet everything the
 * cell printed is handed on before runJava returns. A real session with its agent JVM, counting the
 * commands that really go over JShell's socket.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class CellRoundTripIT {
    private final List<Event> events = new CopyOnWriteArrayList<>();
    private JShellSession session;
    private long cell = 100;

    @BeforeAll
    void start() throws Exception {
        Path agent = Path.of(ThreadbookAgent.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        InputProvider noInput = (c, prompt) -> {
            throw new IOException("no input in this test");
        };
        session = JShellSession.start(new SessionOptions(agent, List.of(), List.of(), noInput, events::add,
                List.of()));
    }

    @AfterAll
    void stop() {
        session.close();
    }

    @BeforeEach
    void clear() {
        events.clear();
    }

    /** Runs a cell and returns how many commands went to the agent for it. */
    private long commandsOf(String code) {
        long before = session.commandsSent();
        CellResult result = session.runJava(++cell, "[" + cell + "]", code);
        assertEquals(CellResult.Status.OK, result.status(), code + ": " + result.evalue());
        return session.commandsSent() - before;
    }

    @Test
    void aOneSnippetCellIsALoadAndAnInvokeAndNothingElse() {
        commandsOf("int warm = 0;");
        // Before: begin, load, invoke, end (and a wait for the sync): four round trips.
        assertEquals(2, commandsOf("int x = 1;"), "int x = 1;");
        assertEquals(2, commandsOf("System.out.println(\"hi\");"), "a statement");
        long expression = commandsOf("1 + 1");
        assertTrue(expression <= 2, "1 + 1 took " + expression + " commands");
    }

    @Test
    void aCellThatRunsNothingSendsNothing() {
        assertEquals(0, commandsOf("import java.util.function.*;"));
        assertTrue(commandsOf("void m() { }") <= 1, "a method is at most loaded");
        CellResult broken = session.runJava(++cell, "[" + cell + "]", "int y = \"not a number\";");
        assertEquals(CellResult.Status.ERROR, broken.status());
        assertFalse(session.lastValueIsRich());
    }

    @Test
    void everythingTheCellPrintedIsHandedOnBeforeItReturnsInOrderAndUnderTheCell() {
        long before = session.commandsSent();
        long mine = ++cell;
        CellResult result = session.runJava(mine, "[" + mine + "]", """
                System.out.println("one");
                Thread t = new Thread(() -> { for (int i = 0; i < 200; i++) System.out.println("thread " + i); });
                t.start();
                t.join();
                System.err.println("two");
                System.out.print("three");
                """);
        assertEquals(CellResult.Status.OK, result.status(), result.evalue());
        // Nothing waited for the output: it was all here when runJava returned.
        StringBuilder out = new StringBuilder();
        StringBuilder err = new StringBuilder();
        for (Event e : events) {
            if (e instanceof Event.Stream s) {
                assertEquals(mine, s.cell(), "output under another cell");
                (s.stream() == Event.Stream.STDERR ? err : out).append(new String(s.bytes(), StandardCharsets.UTF_8));
            }
        }
        StringBuilder expected = new StringBuilder("one\n");
        for (int i = 0; i < 200; i++) {
            expected.append("thread ").append(i).append('\n');
        }
        assertEquals(expected + "three", out.toString());
        assertEquals("two\n", err.toString());
        long syncs = events.stream().filter(e -> e instanceof Event.Sync).count();
        assertTrue(syncs >= 1, "no sync event ended the cell's runs");
        assertTrue(events.get(events.size() - 1) instanceof Event.Sync, "the last event is the sync: " + events);
        assertTrue(session.commandsSent() - before <= 2L * syncs, "more commands than runs need");
    }

    @Test
    void theLastValueSaysWhetherItIsRich() {
        session.runJava(++cell, "[" + cell + "]", "CompletableFuture.completedFuture(5)");
        assertTrue(session.lastValueIsRich(), "a future is shown rich");
        session.runJava(++cell, "[" + cell + "]", "6");
        assertFalse(session.lastValueIsRich(), "a number is not");
        session.runJava(++cell, "[" + cell + "]", "int z = 1; CompletableFuture.completedFuture(z)");
        assertTrue(session.lastValueIsRich(), "the value of a cell is its last snippet's");
        session.runJava(++cell, "[" + cell + "]", "var f = CompletableFuture.completedFuture(1); int w = 2;");
        assertFalse(session.lastValueIsRich(), "an earlier snippet's value is not the cell's");
    }

    @Test
    void aCellStartsOnAThreadThatIsNotInterrupted() {
        // The interrupt a cell leaves on its thread is its own: the next cell's first sleep must not end at once.
        commandsOf("Thread.currentThread().interrupt();");
        CellResult next = session.runJava(++cell, "[" + cell + "]", "Thread.sleep(1);");
        assertEquals(CellResult.Status.OK, next.status(), "the sleep threw " + next.ename() + ": " + next.evalue());
    }

    @Test
    void javaRunTwiceInOneCellEndsEachTime() {
        // %time and %%compare run Java several times for one cell.
        long mine = ++cell;
        for (int i = 0; i < 3; i++) {
            CellResult r = session.runJava(mine, "[" + mine + "]", "System.out.println(\"run " + i + "\");");
            assertEquals(CellResult.Status.OK, r.status(), r.evalue());
            String printed = events.stream().filter(e -> e instanceof Event.Stream)
                    .map(e -> new String(((Event.Stream) e).bytes(), StandardCharsets.UTF_8)).reduce("", String::concat);
            assertTrue(printed.endsWith("run " + i + "\n"), "run " + i + " not all handed on: " + printed);
        }
    }
}
