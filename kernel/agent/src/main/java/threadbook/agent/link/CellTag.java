package threadbook.agent.link;

/**
 * The cell a run of user code belongs to, sent inside JShell's own invoke command (after the class name)
 * instead of in a request of its own: a cell's round trip is then only what JShell itself sends (load,
 * invoke). The agent enters the cell before the code runs and, once it returned, sends a
 * {@code Sync(cell, token, rich)} event after everything printed so far; the kernel waits for the token of
 * the last run it sent, on the event channel it reads anyway.
 *
 * @param cell  the cell's number (what its threads print goes to it)
 * @param token increases with every tagged run of the session, so that the kernel knows which sync ends a cell
 * @param label the cell's name for people ("[3]")
 */
public record CellTag(long cell, long token, String label) {
    // A ';' is in no class name the JVM accepts (JVMS 4.2.1), so the name and the tag cannot be confused.
    private static final char MARK = ';';

    /** {@code className} with this tag appended. */
    public String attachTo(String className) {
        return className + MARK + cell + MARK + token + MARK + label;
    }

    /** The class name without its tag. */
    public static String className(String tagged) {
        int at = tagged.indexOf(MARK);
        return at < 0 ? tagged : tagged.substring(0, at);
    }

    /** The tag {@link #attachTo} added to a class name, or null if it has none (a run outside a cell). */
    public static CellTag of(String tagged) {
        int first = tagged.indexOf(MARK);
        if (first < 0) {
            return null;
        }
        int second = tagged.indexOf(MARK, first + 1);
        int third = second < 0 ? -1 : tagged.indexOf(MARK, second + 1);
        if (third < 0) {
            throw new IllegalArgumentException("not a tagged class name: " + tagged);
        }
        return new CellTag(Long.parseLong(tagged.substring(first + 1, second)),
                Long.parseLong(tagged.substring(second + 1, third)), tagged.substring(third + 1));
    }
}
