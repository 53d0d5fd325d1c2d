package threadbook.magic;

import threadbook.agent.link.AgentException;
import threadbook.jshell.CellResult;

/**
 * One magic: {@code %name args} on a line of its own, or {@code %%name args} as the first line of a cell
 * (then the rest of the cell is its body). Each magic is its own small class, registered in
 * {@link Magics}.
 */
public interface Magic {

    /** What a magic can be written as. */
    enum Form { LINE, CELL, BOTH }

    String name();

    Form form();

    /** One line: what it does. */
    String summary();

    /** How to call it, with an example; shown by {@code %help NAME} and with argument errors. */
    String usage();

    /**
     * Whether the magic measures the time of code: then no pre-started worker JVM starts while it runs, so
     * that no JVM start in the background falls into the time it shows.
     */
    default boolean timesCode() {
        return false;
    }

    /**
     * Runs the magic. {@code body} is null for a line magic. Bad arguments throw {@link MagicException}
     * before anything runs; the agent JVM failing to answer throws {@link AgentException}.
     */
    CellResult run(String args, String body, MagicContext context) throws MagicException, AgentException;
}
