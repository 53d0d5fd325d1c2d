package threadbook.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import jdk.jshell.spi.ExecutionControl;
import org.junit.jupiter.api.Test;
import threadbook.agent.link.AgentException;
import threadbook.agent.link.AgentLink;
import threadbook.agent.link.BackgroundWork;
import threadbook.agent.link.Request;
import threadbook.agent.link.Stopped;

/**
 * The kernel's side of the agent link: a typed call becomes one extensionCommand carrying its request
 * record, and JShell's failures become AgentExceptions a magic can report.
 */
class AgentChannelTest {

    /** JShell's engine, answering extensionCommand only (the rest of ExecutionControl is not used here). */
    private interface Command {
        Object run(String name, Object argument) throws ExecutionControl.ExecutionControlException;
    }

    private static ExecutionControl engine(Command command) {
        return (ExecutionControl) Proxy.newProxyInstance(ExecutionControl.class.getClassLoader(),
                new Class<?>[] {ExecutionControl.class}, (proxy, method, args) -> {
                    if (!method.getName().equals("extensionCommand")) {
                        throw new UnsupportedOperationException(method.getName());
                    }
                    return command.run((String) args[0], args[1]);
                });
    }

    private static Object serialized(Object value) {
        try {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream();
            try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
                out.writeObject(value);
            }
            try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
                return in.readObject();
            }
        } catch (java.io.IOException | ClassNotFoundException e) {
            throw new AssertionError("the request does not cross as JShell sends it: " + e, e);
        }
    }

    @Test
    void aTypedCallSendsItsRecordUnderTheLinksOneCommandName() throws Exception {
        List<Object> sent = new ArrayList<>();
        AgentChannel channel = new AgentChannel(() -> engine((name, argument) -> {
            assertEquals(AgentLink.COMMAND, name);
            sent.add(serialized(argument));
            return argument instanceof Request.Stop ? new Stopped(3, 0) : List.of("t1");
        }));
        assertEquals(new Stopped(3, 0), channel.stop(BackgroundWork.THREADS));
        assertEquals(List.of("t1"), channel.threads(10));
        assertEquals(List.of(new Request.Stop(BackgroundWork.THREADS), new Request.Threads(10)), sent);
    }

    @Test
    void anEndedJavaProcessIsGone() {
        AgentChannel noEngine = new AgentChannel(() -> {
            throw new ExecutionControl.EngineTerminationException("the Java process has ended");
        });
        assertThrows(AgentException.Gone.class, noEngine::cpu);
        AgentChannel endsWhileAsked = new AgentChannel(() -> engine((name, argument) -> {
            throw new ExecutionControl.EngineTerminationException("closed");
        }));
        AgentException e = assertThrows(AgentException.Gone.class, endsWhileAsked::workers);
        assertTrue(e.getMessage().contains("Java process has ended"), e.getMessage());
    }

    @Test
    void theAgentsWordsComeThroughAndAnUnknownRequestIsSaidSo() {
        AgentChannel failing = new AgentChannel(() -> engine((name, argument) -> {
            throw new ExecutionControl.InternalException("the recording failed: disk full");
        }));
        AgentException e = assertThrows(AgentException.class, failing::timelineStop);
        assertEquals("the recording failed: disk full", e.getMessage());
        AgentChannel older = new AgentChannel(() -> engine((name, argument) -> {
            throw new ExecutionControl.NotImplementedException("reinstall the kernel");
        }));
        assertSame(AgentException.Unknown.class, assertThrows(AgentException.class, older::deadlocks).getClass());
    }
}
