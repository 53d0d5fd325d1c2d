package threadbook.agent.link;

/**
 * The agent could not answer a question of {@link AgentLink}. The message says why in words a notebook
 * user can read. Subclasses say what kind of failure it was.
 */
public class AgentException extends Exception {
    private static final long serialVersionUID = 1L;

    public AgentException(String message) {
        super(message);
    }

    /** The Java process running the cells has ended: nothing can answer until the kernel restarts it. */
    public static final class Gone extends AgentException {
        private static final long serialVersionUID = 1L;

        public Gone(String message) {
            super(message);
        }
    }

    /** The agent does not know the question: its jar is not the kernel's version. */
    public static final class Unknown extends AgentException {
        private static final long serialVersionUID = 1L;

        public Unknown(String message) {
            super(message);
        }
    }
}
