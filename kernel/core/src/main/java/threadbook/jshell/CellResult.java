package threadbook.jshell;

import java.util.List;

/**
 * How a cell ended. {@code value} is the display text of the cell's final expression, if it had one;
 * an error carries a name, a one-line summary and the traceback lines the frontend shows. {@code notes}
 * are warnings of a cell that ran (a dropped {@code volatile}, a method waiting for a missing name),
 * shown on its stderr.
 */
public record CellResult(Status status, String value, String ename, String evalue, List<String> traceback,
                         List<String> notes) {

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
        return ok(value, List.of());
    }

    public static CellResult ok(String value, List<String> notes) {
        return new CellResult(Status.OK, value, null, null, List.of(), List.copyOf(notes));
    }

    public static CellResult error(String ename, String evalue, List<String> traceback) {
        return new CellResult(Status.ERROR, null, ename, evalue, List.copyOf(traceback), List.of());
    }

    public static CellResult interrupted(String message) {
        return new CellResult(Status.INTERRUPTED, null, "Interrupted", message, List.of(message), List.of());
    }

    public static CellResult sessionLost(String message) {
        return new CellResult(Status.SESSION_LOST, null, "JavaProcessEnded", message, List.of(message), List.of());
    }

    public boolean isError() {
        return status != Status.OK;
    }
}
