package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static threadbook.client.KernelProcess.loopbackConnection;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import threadbook.client.Poll;
import threadbook.protocol.ConnectionInfo;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

/** The shell socket's thread, on real sockets: what it routes, and the replies it sends. */
class ShellRouterTest {

    /**
     * A shell stops the kernel right after it hands over shutdown_reply; the router may see the stop first.
     * The reply must still go out (the training run of install.sh waited two minutes for it, 2 runs in 14).
     */
    @Test
    void aReplyHandedOverBeforeTheStopIsStillSent() throws Exception {
        String key = "test-key";
        WireCodec codec = new WireCodec(new Signer(key));
        ConnectionInfo info = loopbackConnection(key);
        BlockingQueue<Message> routed = new LinkedBlockingQueue<>();
        try (KernelSockets sockets = new KernelSockets(info); ZContext client = new ZContext()) {
            ShellRouter router = new ShellRouter(sockets, codec, routed::add);
            ZMQ.Socket dealer = KernelSockets.connect(client, SocketType.DEALER, info.address(info.shellPort()),
                    "frontend".getBytes());

            AtomicBoolean running = new AtomicBoolean(true);
            Thread serving = new Thread(() -> router.serve(sockets, running::get));
            serving.start();
            Message request = Message.create("s", "shutdown_request", null, new JsonObject(), List.of());
            KernelSockets.send(dealer, codec.encode(request));
            Message received = routed.poll(10, TimeUnit.SECONDS);
            assertNotNull(received, "the router did not route the request");
            assertEquals("shutdown_request", received.type());

            // The shell's order: the reply first, then the stop, which the router sees before the reply.
            running.set(false);
            serving.join(10_000);
            router.send(codec.encode(received.reply("k", "shutdown_reply", new JsonObject())));
            router.serve(sockets, running::get);

            List<byte[]> frames = KernelSockets.receive(dealer, 10_000);
            assertNotNull(frames, "the shutdown_reply handed over before the stop was never sent");
            Message reply = codec.decode(frames);
            assertEquals("shutdown_reply", reply.type());
            assertEquals(request.id(), reply.parentHeader().get("msg_id").getAsString(), "the reply's parent");
        }
    }

    /**
     * Sockets closed while the router serves them (a test's try-with-resources, a kernel closed on an error path):
     * the router must end, not spin on a poll that fails at once (a CI log grew to 1.4 million lines that way).
     */
    @Test
    void theRouterEndsWhenItsSocketsAreClosedUnderIt() throws Exception {
        ConnectionInfo info = loopbackConnection("test-key");
        KernelSockets sockets = new KernelSockets(info);
        ShellRouter router = new ShellRouter(sockets, new WireCodec(new Signer("test-key")), m -> { });
        AtomicInteger polls = new AtomicInteger();
        Thread serving = new Thread(() -> router.serve(sockets, () -> polls.incrementAndGet() > 0));
        serving.start();
        Poll.until(Duration.ofSeconds(30), "the router serving", polls::get, n -> n > 2);
        sockets.close();
        serving.join(30_000);
        assertFalse(serving.isAlive(), "the router still runs after its sockets were closed: " + polls.get() + " rounds");
    }
}
