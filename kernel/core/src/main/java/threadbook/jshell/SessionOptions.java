package threadbook.jshell;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;
import threadbook.agent.Event;

/**
 * How to start a session. {@code events} receives everything the agent sends, in order;
 * {@code input} answers user code that reads System.in.
 */
public record SessionOptions(Path agentClasspath, List<String> agentVmOptions, List<String> compilerOptions,
                             InputProvider input, Consumer<Event> events, List<Definition> replay, List<Path> startupJars) {
    public SessionOptions(Path agentClasspath, List<String> agentVmOptions, List<String> compilerOptions,
                          InputProvider input, Consumer<Event> events, List<Definition> replay) {
        this(agentClasspath, agentVmOptions, compilerOptions, input, events, replay, List.of());
    }
}
