package threadbook.workers;

/**
 * Where a worker's output lines go: into the output of the cell that gave the worker its task. Given by
 * the code that takes a worker ({@code threadbook.api}, which knows the cells), so that this package needs
 * nothing of the agent's: the agent uses workers, not the other way round.
 */
@FunctionalInterface
public interface CellPrinter {
    /** Prints {@code text} (whole lines) into cell {@code cell}'s stdout (stream 1) or stderr (2). */
    void print(long cell, int stream, String text);
}
