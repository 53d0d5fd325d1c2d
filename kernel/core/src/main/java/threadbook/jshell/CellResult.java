package threadbook.jshell;

import java.util.List;

/**
 * How a cell ended. {@code value} is the display text of the cell's final expression, if it had one;
 * an error carries a name, a one-line summary and the traceback lines the frontend shows.
 */
public record CellResult(Status status, String value, String ename, String evalue, List<String> traceback) {

    public enum Status {
        /** Ran to the end. */
        OK,
        /** Did not compile, or threw. */
        ERROR,
        /** Stopped by an interrupt; the session is intact. */
        INTERRUPTED,
        /** The Java process ended (System.exit, a crash, a forced restart): the session's state is gone. */
        SESSION_LOST
    }

    public static CellResult ok(String value) {
        return new CellResult(Status.OK, value, null, null, List.of());
    }

    public static CellResult error(String ename, String evalue, List<String> traceback) {
        return new CellResult(Status.ERROR, null, ename, evalue, List.copyOf(traceback));
    }

    public static CellResult interrupted(String message) {
        return new CellResult(Status.INTERRUPTED, null, "Interrupted", message, List.of(message));
    }

    public static CellResult sessionLost(String message) {
        return new CellResult(Status.SESSION_LOST, null, "JavaProcessEnded", message, List.of(message));
    }

    public boolean isError() {
        return status != Status.OK;
    }
}
