package threadbook.jshell;

import java.io.IOException;

/** Where a line of input for user code comes from (the frontend, through the stdin channel). */
public interface InputProvider {
    /** A line typed by the user, without its line break; IOException says why there is none. */
    String readLine(long cell, String prompt) throws IOException;
}
