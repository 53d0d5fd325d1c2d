package threadbook.agent.link;

import java.io.Serializable;
import java.util.List;

/**
 * One question of {@link AgentLink} as a record, the form it crosses from the kernel's JVM to the
 * agent's (serialized by JShell's extensionCommand). {@link #askOf} calls the matching method, so the
 * agent needs no switch over the records.
 *
 * @param <A> the answer's type
 */
public sealed interface Request<A> extends Serializable {

    /** Asks {@code link} this question. */
    A askOf(AgentLink link) throws AgentException;

    record RichValue() implements Request<MimeBundle> {
        @Override public MimeBundle askOf(AgentLink link) throws AgentException {
            return link.richValue();
        }
    }

    record RichVariable(String className, String name) implements Request<MimeBundle> {
        @Override public MimeBundle askOf(AgentLink link) throws AgentException {
            return link.richVariable(className, name);
        }
    }

    record Cpu() implements Request<CpuReading> {
        @Override public CpuReading askOf(AgentLink link) throws AgentException {
            return link.cpu();
        }
    }

    record Threads(int limit) implements Request<List<String>> {
        @Override public List<String> askOf(AgentLink link) throws AgentException {
            return link.threads(limit);
        }
    }

    record Deadlocks() implements Request<String> {
        @Override public String askOf(AgentLink link) throws AgentException {
            return link.deadlocks();
        }
    }

    record Workers() implements Request<List<String>> {
        @Override public List<String> askOf(AgentLink link) throws AgentException {
            return link.workers();
        }
    }

    record Stop(BackgroundWork what) implements Request<Stopped> {
        @Override public Stopped askOf(AgentLink link) throws AgentException {
            return link.stop(what);
        }
    }

    record TimelineStart() implements Request<Void> {
        @Override public Void askOf(AgentLink link) throws AgentException {
            link.timelineStart();
            return null;
        }
    }

    record TimelineStop() implements Request<Recording> {
        @Override public Recording askOf(AgentLink link) throws AgentException {
            return link.timelineStop();
        }
    }

    record TestReport() implements Request<List<TestOutcome>> {
        @Override public List<TestOutcome> askOf(AgentLink link) throws AgentException {
            return link.testReport();
        }
    }

    record JUnitAdded() implements Request<Boolean> {
        @Override public Boolean askOf(AgentLink link) throws AgentException {
            return link.junitAdded();
        }
    }

    record MarkJUnitAdded() implements Request<Void> {
        @Override public Void askOf(AgentLink link) throws AgentException {
            link.markJUnitAdded();
            return null;
        }
    }

    record HoldSpares() implements Request<Void> {
        @Override public Void askOf(AgentLink link) throws AgentException {
            link.holdSpares();
            return null;
        }
    }

    record ReleaseSpares() implements Request<Void> {
        @Override public Void askOf(AgentLink link) throws AgentException {
            link.releaseSpares();
            return null;
        }
    }

    record Spares() implements Request<String> {
        @Override public String askOf(AgentLink link) throws AgentException {
            return link.spares();
        }
    }

    record Prestart(int spares) implements Request<String> {
        @Override public String askOf(AgentLink link) throws AgentException {
            return link.prestart(spares);
        }
    }
}
