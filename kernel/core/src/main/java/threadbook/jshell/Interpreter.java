package threadbook.jshell;

import java.nio.file.Path;
import java.util.List;
import threadbook.agent.ToAgent;
import threadbook.agent.link.AgentLink;
import threadbook.assist.CodeAssist;
import threadbook.remote.BackgroundStop;
import threadbook.remote.CellRun;

/**
 * What the kernel asks of the notebook's Java: run a cell's Java, stop it, assist, and reach the JVM that
 * runs it. {@link JShellSession} is the real one; the kernel's request handlers know only this, so they can
 * be tested against a fake. Used by one shell thread at a time, except {@link #stop}, meant to be called
 * from another.
 */
public interface Interpreter extends AutoCloseable {

    /**
     * Runs Java of run {@code run}'s cell (its output is all handed on when this returns); a stopped run or
     * a lost Java process ends it here. On a subshell's thread (see JShellSession.bindSubshell) the cell runs
     * beside the notebook's.
     */
    CellResult runJava(CellRun run, String cellLabel, String code);

    /** As {@link #runJava(CellRun, String, String)}, as a run of its own of cell {@code cell}. */
    default CellResult runJava(long cell, String cellLabel, String code) {
        return runJava(CellRun.started(cell), cellLabel, code);
    }

    /**
     * Stops run {@code run}: what runs of it gets the stop, and none of it starts any more. Returns false
     * if it has not ended within its grace: a run of the notebook's shell is then ended with the Java
     * process (it returns {@link CellResult.Status#SESSION_LOST}); a subshell's never ends the process.
     * From another thread than the run's.
     */
    boolean stop(CellRun run);

    /** Subshell {@code id} is gone. */
    void closeSubshell(String id);

    /** Between cells, or while one runs: stops every thread the cells started and every worker process. */
    BackgroundStop stopBackgroundWork();

    /** The deadlock seen last, in words; null if none. Works while a cell is stuck. */
    String deadlockReport();

    /** False once the Java process has ended. */
    boolean isAlive();

    /** Whether the value of the last cell this thread ran has a rich form (HTML, an image...). */
    boolean lastValueIsRich();

    /** Questions to the Java process between cells (threads, workers, rich values...). */
    AgentLink agent();

    /** Where a frame of the notebook's code is ("cell [3], line 5"); null for a frame outside the notebook. */
    String cellLine(StackTraceElement frame);

    /** The methods, types and imports the notebook defined and that are live, in order: a restart replays them. */
    List<Definition> definitions();

    /** The jars the Java process was started with on its class path. */
    List<Path> startupJars();

    /** Adds a jar or class folder for the compiler and the Java process. */
    void addToClasspath(String path);

    /** Sends a message to the Java process (a comm message from the frontend); dropped if it is gone. */
    void toAgent(ToAgent message);

    /** Completions at {@code cursor}, against the notebook's definitions. */
    CodeAssist.Completion complete(String code, int cursor);

    /** The documentation of the name at {@code cursor}. */
    CodeAssist.Inspection inspect(String code, int cursor, int detail);

    /** Whether {@code code} is a complete cell, and the indent of its next line if not. */
    CodeAssist.Completeness isComplete(String code);

    /** Ends the Java process. */
    @Override
    void close();
}
