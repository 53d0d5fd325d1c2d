package threadbook.jshell;

import com.sun.jdi.VirtualMachine;
import java.util.List;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;
import threadbook.agent.link.AgentLink;

/**
 * What the debugger (threadbook.debug) asks of a session: to follow it through JDI, what the notebook defined,
 * and the questions it shares with the kernel. {@link JShellSession} is the real one.
 */
public interface DebugTarget {

    /** Lets a debugger follow this session (null: none). Without one, JDI events are resumed at once. */
    void debug(DebugHooks hooks);

    /** The agent JVM; null once the session has ended. */
    VirtualMachine virtualMachine();

    /**
     * The wrapper classes of the methods, types and variables live in this session: for a debugger that
     * starts following it after they were defined.
     */
    List<SnippetWrapper> liveWrappers();

    /** The notebook's live variables, in the order declared. */
    List<NotebookVariable> notebookVariables();

    /** Whether a cell's Java runs now (then the agent answers questions only after it). */
    boolean isRunningJava();

    /** See {@link Interpreter#deadlockReport}. */
    String deadlockReport();

    /** See {@link Interpreter#agent}. */
    AgentLink agent();
}
