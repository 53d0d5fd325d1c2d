package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import threadbook.jshell.CellResult;
import threadbook.jshell.Interpreter;
import threadbook.magic.Magic;
import threadbook.magic.MagicContext;
import threadbook.magic.Magics;
import threadbook.protocol.Message;
import threadbook.remote.CellRun;

/**
 * The steps of a cell, against a {@link FakeInterpreter}: magics and Java in the cell's order, the first
 * error ending the cell, and a magic that restarts the session (as %%test does for Lincheck's jars) with
 * the Java after it running in the new session.
 */
class CellStepsTest {
    private static final Path LINCHECK = Path.of("lincheck.jar");

    private final FakeInterpreters fakes = new FakeInterpreters();
    private final IOPubCapture capture = new IOPubCapture();
    private final AtomicLong cells = new AtomicLong();
    private JShellSessions sessions;
    private CellOutput output;
    private CellSteps steps;

    /** {@code %note TEXT}: logs and prints TEXT. */
    private final Magic note = new TestMagic("note", (args, context) -> {
        fakes.log("magic " + args);
        context.print(args + "\n");
        return CellResult.ok(null);
    });

    /** {@code %needs}: a session with Lincheck's jar on its startup class path, then the Java of its args. */
    private final Magic needs = new TestMagic("needs", (args, context) -> {
        context.startedWith(List.of(LINCHECK), "restarting with lincheck.jar");
        return context.java(args);
    });

    @BeforeEach
    void create() {
        sessions = new JShellSessions(fakes.starter());
        output = new CellOutput(capture.iopub);
        steps = new CellSteps(new Magics(List.of(note, needs)), output, sessions::restartWith, capture.iopub,
                new WidgetReruns());
    }

    @AfterEach
    void close() {
        sessions.close();
        capture.close();
    }

    private CellResult run(Interpreter session, String code) {
        long cell = cells.incrementAndGet();
        output.register(cell, Message.create("client-session", "execute_request", null, new JsonObject(), List.of()).header());
        return steps.run(session, CellRun.started(cell), "[" + cell + "]", code);
    }

    @Test
    void magicsAndJavaRunInTheCellsOrderAndTheLastStepIsTheValue() throws Exception {
        CellResult result = run(sessions.get(), "%note one\nint a = 1;\n%note two\na + 1");
        assertEquals(CellResult.Status.OK, result.status());
        assertEquals("a + 1", result.value());
        assertEquals(List.of("magic one", "java int a = 1;", "magic two", "java a + 1"), fakes.logged());
    }

    @Test
    void theFirstErrorEndsTheCell() throws Exception {
        CellResult result = run(sessions.get(), "%note one\nthrow boom\n%note two\nnever");
        assertEquals("RuntimeException", result.ename());
        assertEquals(List.of("magic one", "java throw boom"), fakes.logged());
    }

    @Test
    void aCellWithoutMagicsIsOneJavaStep() throws Exception {
        run(sessions.get(), "int a = 1;\nint b = a % 2;");
        assertEquals(List.of("java int a = 1;\nint b = a % 2;"), fakes.logged());
    }

    @Test
    void aMagicsRestartGivesTheJavaAfterItTheNewSessionWithTheOldDefinitions() throws Exception {
        Interpreter first = sessions.get();
        run(first, "int kept = 1;");
        CellResult result = run(first, "%needs kept + 1\nkept + 2");
        assertEquals("kept + 2", result.value());
        Interpreter second = sessions.get();
        assertNotSame(first, second);
        assertTrue(((FakeInterpreter) first).closed(), "the old session was not ended");
        assertEquals(List.of(LINCHECK), second.startupJars());
        assertEquals(List.of("int kept = 1;"), second.definitions().stream().map(d -> d.source()).toList());
        // The magic's own Java and the Java after it both ran in the new session, after the old one closed.
        List<String> after = fakes.logged().subList(fakes.logged().indexOf("closed"), fakes.logged().size());
        assertEquals(List.of("closed", "java kept + 1", "java kept + 2"), after);

        // A second magic that needs the same jar does not restart again.
        run(second, "%needs kept + 3");
        assertEquals(second, sessions.get());
        assertEquals(1, fakes.logged().stream().filter("closed"::equals).count());
    }

    /** A magic for these checks: a line magic whose work is a lambda. */
    private record TestMagic(String name, Work work) implements Magic {
        interface Work {
            CellResult run(String args, MagicContext context) throws threadbook.magic.MagicException;
        }

        @Override
        public Form form() {
            return Form.LINE;
        }

        @Override
        public String summary() {
            return name;
        }

        @Override
        public String usage() {
            return "%" + name;
        }

        @Override
        public CellResult run(String args, String body, MagicContext context) throws threadbook.magic.MagicException {
            return work.run(args, context);
        }
    }
}
