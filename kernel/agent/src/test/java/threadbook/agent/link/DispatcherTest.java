package threadbook.agent.link;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The vocabulary between the kernel's JVM and the agent's: every request crosses serialized as JShell
 * sends it, reaches the method of its name with its arguments, and its answer crosses back.
 */
class DispatcherTest {
    private static final TestOutcome OUTCOME = new TestOutcome(true, "repetition 3 of 20", "adds()", "FAILED",
            "expected: <2> but was: <1>", "org.opentest4j.AssertionFailedError",
            List.of(new StackTraceElement("REPL.$JShell$7$NotebookTests", "adds", "$JShell$7.java", 4),
                    new StackTraceElement("odd.Place", "run", "a\tb.java", -1),
                    new StackTraceElement("java.lang.Thread", "run", null, -2)),
            List.of(new StuckThread("mover-1", "BLOCKED", "lockB", "mover-2",
                    List.of(new StackTraceElement("REPL.$JShell$5", "lambda$do_it$$0", "$JShell$5.java", 9)))), 12);


    /** An agent that writes down what it was asked and answers with fixed, recognisable values. */
    private static final class Notes implements AgentLink {
        final List<String> calls = new ArrayList<>();

        @Override public MimeBundle richValue() {
            calls.add("richValue");
            return new MimeBundle(List.of(new MimeBundle.Entry("text/html", "<b>hi</b>")));
        }
        @Override public MimeBundle richVariable(String className, String name) {
            calls.add("richVariable " + className + " " + name);
            return null;
        }
        @Override public CpuReading cpu() { calls.add("cpu"); return new CpuReading(1, 2, 3, 4); }
        @Override public List<String> threads(int limit) { calls.add("threads " + limit); return List.of("t1", "t2"); }
        @Override public String deadlocks() { calls.add("deadlocks"); return ""; }
        @Override public List<String> workers() { calls.add("workers"); return new ArrayList<>(List.of("worker 1")); }
        @Override public Stopped stop(BackgroundWork what) { calls.add("stop " + what); return new Stopped(5, 6); }
        @Override public void timelineStart() { calls.add("timelineStart"); }
        @Override public Recording timelineStop() throws AgentException {
            calls.add("timelineStop");
            throw new AgentException("the recording failed: disk full");
        }
        @Override public List<TestOutcome> testReport() {
            calls.add("testReport");
            return List.of(OUTCOME);
        }
        @Override public boolean junitAdded() { calls.add("junitAdded"); return false; }
        @Override public void markJUnitAdded() { calls.add("markJUnitAdded"); }
        @Override public void holdSpares() { calls.add("holdSpares"); }
        @Override public void releaseSpares() { calls.add("releaseSpares"); }
        @Override public String spares() { calls.add("spares"); return "Pre-started workers: off"; }
        @Override public String prestart(int spares) { calls.add("prestart " + spares); return "2 kept ready"; }
    }

    private final Notes agent = new Notes();
    private final Dispatcher dispatcher = new Dispatcher(agent);

    /** Asks as the kernel does: the request and the answer both go through Java serialization. */
    private Object ask(Request<?> request) throws Exception {
        return roundTrip(dispatcher.answer(roundTrip(request)));
    }

    private static Object roundTrip(Object value) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }

    @Test
    void eachRequestReachesItsMethodWithItsArgumentsAndItsAnswerComesBack() throws Exception {
        assertEquals(new MimeBundle(List.of(new MimeBundle.Entry("text/html", "<b>hi</b>"))), ask(new Request.RichValue()));
        assertNull(ask(new Request.RichVariable("REPL.$JShell$12", "chart")));
        assertEquals(new CpuReading(1, 2, 3, 4), ask(new Request.Cpu()));
        assertEquals(List.of("t1", "t2"), ask(new Request.Threads(10)));
        assertEquals("", ask(new Request.Deadlocks()));
        assertEquals(List.of("worker 1"), ask(new Request.Workers()));
        assertEquals(new Stopped(5, 6), ask(new Request.Stop(BackgroundWork.WORKERS)));
        assertNull(ask(new Request.TimelineStart()));
        // A failure's frames cross as they are, a file name with a tab or none at all included.
        assertEquals(List.of(OUTCOME), ask(new Request.TestReport()));
        assertEquals(Boolean.FALSE, ask(new Request.JUnitAdded()));
        assertNull(ask(new Request.MarkJUnitAdded()));
        assertNull(ask(new Request.HoldSpares()));
        assertNull(ask(new Request.ReleaseSpares()));
        assertEquals("Pre-started workers: off", ask(new Request.Spares()));
        assertEquals("2 kept ready", ask(new Request.Prestart(2)));
        assertEquals(List.of("richValue", "richVariable REPL.$JShell$12 chart", "cpu",
                "threads 10", "deadlocks", "workers", "stop WORKERS", "timelineStart", "testReport", "junitAdded",
                "markJUnitAdded", "holdSpares", "releaseSpares", "spares", "prestart 2"), agent.calls);
    }

    @Test
    void everyKindOfRequestIsARecordThatCrossesSerialized() throws Exception {
        // A new question added to Request must be a record (plain data that both JVMs load) to travel.
        Set<String> kinds = Stream.of(Request.class.getPermittedSubclasses()).map(Class::getSimpleName)
                .collect(Collectors.toSet());
        assertEquals(Set.of("RichValue", "RichVariable", "Cpu", "Threads", "Deadlocks", "Workers",
                "Stop", "TimelineStart", "TimelineStop", "TestReport", "JUnitAdded", "MarkJUnitAdded", "HoldSpares",
                "ReleaseSpares", "Spares", "Prestart"), kinds);
        for (Class<?> kind : Request.class.getPermittedSubclasses()) {
            assertTrue(kind.isRecord(), kind + " is a record");
            assertTrue(Serializable.class.isAssignableFrom(kind), kind + " is serializable");
        }
        assertEquals(new Request.Stop(BackgroundWork.ALL), roundTrip(new Request.Stop(BackgroundWork.ALL)));
        assertEquals(new Request.RichVariable("REPL.$JShell$1", "x"), roundTrip(new Request.RichVariable("REPL.$JShell$1", "x")));
    }

    @Test
    void theAgentsOwnFailureKeepsItsWords() {
        AgentException e = assertThrows(AgentException.class, () -> ask(new Request.TimelineStop()));
        assertEquals("the recording failed: disk full", e.getMessage());
        assertFalse(e instanceof AgentException.Unknown);
    }

    @Test
    void somethingThatIsNotARequestIsRefusedWithAnExplanation() {
        AgentException.Unknown e = assertThrows(AgentException.Unknown.class, () -> dispatcher.answer(new Object[] {1L, "[1]"}));
        assertTrue(e.getMessage().contains("reinstall"), e.getMessage());
        assertThrows(AgentException.Unknown.class, () -> dispatcher.answer(null));
        assertTrue(agent.calls.isEmpty(), "nothing was asked of the agent: " + agent.calls);
    }

    @Test
    void onlyTheLinksCommandNameIsTaken() {
        assertTrue(Dispatcher.handles(AgentLink.COMMAND));
        assertFalse(Dispatcher.handles("begin"), "the old string commands are gone");
        assertFalse(Dispatcher.handles("sync"));
    }

    @Test
    void backgroundWorkSaysWhatAStopEnds() {
        assertTrue(BackgroundWork.THREADS.threads() && !BackgroundWork.THREADS.workers());
        assertTrue(!BackgroundWork.WORKERS.threads() && BackgroundWork.WORKERS.workers());
        assertTrue(BackgroundWork.ALL.threads() && BackgroundWork.ALL.workers());
    }
}
