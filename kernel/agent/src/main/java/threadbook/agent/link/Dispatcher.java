package threadbook.agent.link;

import java.io.Serializable;

/**
 * The agent's side of {@link AgentLink}: takes what came through JShell's extensionCommand and answers
 * it with the agent's implementation. Failures become {@link AgentException}s (the agent turns them into
 * JShell's InternalException, whose message reaches the kernel).
 */
public final class Dispatcher {
    private final AgentLink agent;

    public Dispatcher(AgentLink agent) {
        this.agent = agent;
    }

    /** Whether an extensionCommand of this name is ours; others keep JShell's meaning. */
    public static boolean handles(String command) {
        return AgentLink.COMMAND.equals(command);
    }

    /**
     * The answer to {@code request}, serializable (JShell sends it back to the kernel).
     *
     * @throws AgentException.Unknown if {@code request} is not a {@link Request} (another version's kernel)
     */
    public Serializable answer(Object request) throws AgentException {
        if (!(request instanceof Request<?> question)) {
            throw new AgentException.Unknown("the Java process does not understand the kernel's request "
                    + (request == null ? "null" : request.getClass().getName())
                    + " (the agent jar is not the kernel's version: reinstall the kernel)");
        }
        Object answer = question.askOf(agent);
        if (answer != null && !(answer instanceof Serializable)) {
            throw new AgentException("the answer to " + question + " cannot be sent to the kernel ("
                    + answer.getClass().getName() + " is not serializable)");
        }
        return (Serializable) answer;
    }
}
