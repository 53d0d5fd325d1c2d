package threadbook.agent.link;

import java.util.List;

/**
 * What the kernel may ask the agent JVM between JShell's own commands, one typed method a question.
 * Internal to Threadbook (the kernel and the agent both load this package); not for notebooks.
 *
 * <p>The kernel's side ({@code threadbook.remote.AgentChannel}) turns each call into its {@link Request}
 * record and sends it through JShell's {@code extensionCommand} under the one name {@link #COMMAND};
 * the agent's side answers with {@link Dispatcher}, which hands the record to the agent's own
 * implementation of this interface. Every other command name keeps JShell's meaning (its default answer
 * is "not implemented"): that is the escape hatch for something that fits no typed method.
 *
 * <p>To add a question: one record in {@link Request}, one method here, one handler in the agent.
 * A cell's start and end are no questions: they travel with JShell's own invoke (see {@link CellTag}).
 * The agent answers on the thread that runs cells, so a call waits while a cell runs.
 */
public interface AgentLink {
    /** The extensionCommand name that carries a {@link Request}. */
    String COMMAND = "threadbook";

    /** The last value's MIME bundle; an empty one if it showed itself already; null if it has none. */
    MimeBundle richValue() throws AgentException;

    /**
     * The MIME bundle a cell ending in this notebook variable would show (static field {@code name} of
     * JShell's wrapper class {@code className}); null if plain text says it all. A CompletableFuture is
     * not displayed (that would print into a cell): its text stands for it. For the debugger's
     * Variables panel, asked only while no cell runs.
     */
    MimeBundle richVariable(String className, String name) throws AgentException;

    /** The agent's CPU counters, and when the user code run since the previous reading ran. */
    CpuReading cpu() throws AgentException;

    /** One line per live thread the cells started (the first {@code limit}, then "and N more threads"). */
    List<String> threads(int limit) throws AgentException;

    /** The deadlock among the user's threads, in the agent's words; empty if none. */
    String deadlocks() throws AgentException;

    /** One line per live worker process, and a count of those that ended. */
    List<String> workers() throws AgentException;

    /**
     * Stops background work: the user's threads (interrupted) and/or the worker processes (ended), as
     * {@code what} says. Returns how many of each.
     */
    Stopped stop(BackgroundWork what) throws AgentException;

    /** Starts a JFR recording of the user's threads (for %%timeline). */
    void timelineStart() throws AgentException;

    /** Stops the recording and says where it is. */
    Recording timelineStop() throws AgentException;

    /** What the last %%test run found, a test (or failed container) each. */
    List<TestOutcome> testReport() throws AgentException;

    /** Whether JUnit is on this JVM's class path already (a new Java process has not). */
    boolean junitAdded() throws AgentException;

    /** %%test put JUnit on this JVM's class path. */
    void markJUnitAdded() throws AgentException;

    /** No pre-started worker starts until {@link #releaseSpares}: a magic is timing a cell. */
    void holdSpares() throws AgentException;

    /** Spares may start again. */
    void releaseSpares() throws AgentException;

    /** One line on the pre-started workers: the setting, how many there are, how many are ready. */
    String spares() throws AgentException;

    /** Keeps {@code spares} pre-started workers ready (0: none, -1: automatic); answers the status line. */
    String prestart(int spares) throws AgentException;
}
