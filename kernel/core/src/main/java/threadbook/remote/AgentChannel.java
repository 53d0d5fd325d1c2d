package threadbook.remote;

import java.util.List;
import jdk.jshell.spi.ExecutionControl;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.AgentLink;
import threadbook.agent.link.BackgroundWork;
import threadbook.agent.link.CpuReading;
import threadbook.agent.link.MimeBundle;
import threadbook.agent.link.Recording;
import threadbook.agent.link.Request;
import threadbook.agent.link.Stopped;

/**
 * The kernel's side of {@link AgentLink}: each method sends its {@link Request} record through JShell's
 * extensionCommand (one name for all, {@link AgentLink#COMMAND}) and returns the agent's answer. JShell's
 * failures come back as {@link AgentException}s. The agent answers on the thread that runs cells, so a
 * call waits while a cell runs.
 */
public final class AgentChannel implements AgentLink {

    /** The JShell execution engine of the session, or why there is none. */
    public interface Engine {
        ExecutionControl get() throws ExecutionControl.EngineTerminationException;
    }

    private final Engine engine;

    public AgentChannel(Engine engine) {
        this.engine = engine;
    }

    /** Sends one question and waits for its answer. */
    <A> A ask(Request<A> request) throws AgentException {
        Object answer;
        try {
            answer = engine.get().extensionCommand(COMMAND, request);
        } catch (ExecutionControl.EngineTerminationException e) {
            throw new AgentException.Gone("the Java process has ended");
        } catch (ExecutionControl.NotImplementedException e) {
            throw new AgentException.Unknown(e.getMessage());
        } catch (ExecutionControl.ExecutionControlException | IllegalStateException e) {
            // JShell's InternalException carries the agent's own words; IllegalStateException: JShell is closed.
            throw new AgentException(e.getMessage());
        }
        // The agent answered request.askOf(...), whose type is A: the one unchecked step of the link.
        @SuppressWarnings("unchecked")
        A typed = (A) answer;
        return typed;
    }

    @Override public MimeBundle richValue() throws AgentException {
        return ask(new Request.RichValue());
    }

    @Override public MimeBundle richVariable(String className, String name) throws AgentException {
        return ask(new Request.RichVariable(className, name));
    }

    @Override public CpuReading cpu() throws AgentException {
        return ask(new Request.Cpu());
    }

    @Override public List<String> threads(int limit) throws AgentException {
        return ask(new Request.Threads(limit));
    }

    @Override public String deadlocks() throws AgentException {
        return ask(new Request.Deadlocks());
    }

    @Override public List<String> workers() throws AgentException {
        return ask(new Request.Workers());
    }

    @Override public Stopped stop(BackgroundWork what) throws AgentException {
        return ask(new Request.Stop(what));
    }

    @Override public void timelineStart() throws AgentException {
        ask(new Request.TimelineStart());
    }

    @Override public Recording timelineStop() throws AgentException {
        return ask(new Request.TimelineStop());
    }

    @Override public List<threadbook.agent.link.TestOutcome> testReport() throws AgentException {
        return ask(new Request.TestReport());
    }

    @Override public boolean junitAdded() throws AgentException {
        return ask(new Request.JUnitAdded());
    }

    @Override public void markJUnitAdded() throws AgentException {
        ask(new Request.MarkJUnitAdded());
    }

    @Override public void holdSpares() throws AgentException {
        ask(new Request.HoldSpares());
    }

    @Override public void releaseSpares() throws AgentException {
        ask(new Request.ReleaseSpares());
    }

    @Override public String spares() throws AgentException {
        return ask(new Request.Spares());
    }

    @Override public String prestart(int spares) throws AgentException {
        return ask(new Request.Prestart(spares));
    }
}
