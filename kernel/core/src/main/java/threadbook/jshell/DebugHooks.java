package threadbook.jshell;

import com.sun.jdi.event.EventSet;
import jdk.jshell.SourceCodeAnalysis.SnippetWrapper;

/** What the debugger hears from a session: the snippets it defines, and the agent JVM's JDI events. */
public interface DebugHooks {
    /**
     * A snippet's wrapper class, with the cell line its segment starts on: for a statement, just before
     * its code runs; for a method or class, once JShell has defined it.
     */
    void snippet(String className, SnippetWrapper wrapper, int firstLine);

    /** A JDI event set (breakpoint, step, class prepare...); true keeps its threads suspended. */
    boolean event(EventSet events);
}
