package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.zeromq.SocketType;
import org.zeromq.ZContext;
import org.zeromq.ZMQ;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Signer;
import threadbook.protocol.WireCodec;

class IOPubTest {
    private static final int PUBLISHED = 20;

    /**
     * A client that does not read holds the sender up (a pair with a high-water mark of one message): the
     * reply's wait must last until the client has taken what was published before it.
     */
    @Test
    void awaitSentReturnsOnlyOnceEverythingPublishedBeforeIsSent() throws Exception {
        try (ZContext context = new ZContext()) {
            String address = "inproc://iopub-" + UUID.randomUUID();
            ZMQ.Socket client = context.createSocket(SocketType.PAIR);
            client.setRcvHWM(1);
            client.bind(address);
            ZMQ.Socket kernelSide = context.createSocket(SocketType.PAIR);
            kernelSide.setSndHWM(1);
            kernelSide.connect(address);
            IOPub iopub = new IOPub(kernelSide, new WireCodec(new Signer("k")), "s");
            JsonObject parent = new JsonObject();
            parent.addProperty("msg_id", "the-request");
            for (int i = 0; i < PUBLISHED; i++) {
                iopub.stream(parent, "stdout", i + "\n");
            }
            CountDownLatch returned = new CountDownLatch(1);
            Thread replying = new Thread(() -> {
                iopub.awaitSent();
                returned.countDown();
            });
            replying.start();
            assertFalse(returned.await(300, TimeUnit.MILLISECONDS), "returned while the client held up what came before");
            for (int i = 0; i < PUBLISHED; i++) {
                List<byte[]> frames = KernelSockets.receive(client, 30_000);
                assertNotNull(frames, "message " + i + " was sent");
            }
            assertTrue(returned.await(30, TimeUnit.SECONDS), "returned once the client took them");
            iopub.close();
        }
    }

    @Test
    void awaitSentReturnsAtOnceWhenTheSenderHasStopped() {
        try (IOPubCapture capture = new IOPubCapture()) {
            capture.iopub.close();
            long t0 = System.nanoTime();
            capture.iopub.awaitSent();
            assertTrue(System.nanoTime() - t0 < 4_000_000_000L, "no wait (5 s) for a sender that is gone");
        }
    }
}
