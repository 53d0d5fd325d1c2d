package threadbook.magic;

import java.util.Map;
import threadbook.agent.link.AgentLink;
import threadbook.jshell.CellResult;

/** What a magic may do: run Java in the cell, show output under the cell, ask the agent JVM. */
public interface MagicContext {

    /**
     * Runs Java code as part of this cell. For a line magic, line 1 of the code is the magic's line; for
     * a cell magic, the body keeps the lines of the cell (it starts with blank lines for those above).
     */
    CellResult java(String code);

    /** Prints on the cell's stdout. */
    void print(String text);

    /** Shows a MIME bundle under the cell (text/plain should be among the types). */
    void display(Map<String, String> bundle);

    /**
     * Shows a MIME bundle with its metadata, keyed by MIME type as in nbformat (e.g. the size an
     * "image/png" is shown at: {"image/png": {"width": 600, "height": 90}}).
     */
    void display(Map<String, String> bundle, Map<String, Map<String, Integer>> metadata);

    /**
     * The agent JVM's answers (CPU time, live threads, a recording...), one typed method a question; its
     * failures ({@link threadbook.agent.link.AgentException}) may pass out of {@link Magic#run}.
     */
    AgentLink agent();

    /** Adds jars or class folders to the session (compiler and agent JVM) and to future worker processes. */
    void addToClasspath(java.util.List<java.nio.file.Path> paths);

    /**
     * Makes sure the Java process was started with {@code jars} on its class path; if it was not, says
     * {@code why} under the cell, ends it and starts a new one that has them (as every later one will), with
     * the notebook's methods, classes and imports defined again. Returns whether it restarted.
     */
    boolean startedWith(java.util.List<java.nio.file.Path> jars, String why) throws MagicException;

    /** Where a frame of the notebook's code is ("cell [3], line 5"); null for a frame outside the notebook. */
    String cellLine(StackTraceElement frame);

    /**
     * From now on, each time the frontend sets the "value" of widget {@code modelId} (a slider this magic
     * made in the session), the kernel runs this magic again, with {@link #rerun()} saying the new value
     * and {@code memo}: as a cell of its own (no execution count), its output parented to the frontend's
     * message. Ends with the session or when the frontend closes the widget.
     */
    void rerunOnChange(String modelId, String memo);

    /** In a run started by {@link #rerunOnChange}, the widget's new value and the memo; null in a cell. */
    Rerun rerun();

    /** The value that started a re-run, and what the first run left for it (e.g. a widget's id). */
    record Rerun(long value, String memo) {}

    /**
     * Clears the Output widget {@code outputId} and shows what this cell shows from now until the magic
     * returns in it, as ipywidgets' {@code with out:} does (the frontend routes this cell's messages into
     * the widget).
     */
    void outputInto(String outputId);

    /** The registry, for magics about magics. */
    Magics magics();
}
