package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import threadbook.protocol.Message;

/** What a new iopub subscriber is sent, on a clock the test moves. */
class SubscriptionsTest {
    private final AtomicLong now = new AtomicLong();
    private final Subscriptions subscriptions = new Subscriptions("kernel-session", now::get);

    private static JsonObject request(String type) {
        return Message.create("client-session", type, null, new JsonObject(), List.of()).header();
    }

    private void published(String state, JsonObject parent) {
        JsonObject content = new JsonObject();
        content.addProperty("execution_state", state);
        subscriptions.published(IOPub.message("kernel-session", "status", parent, content));
    }

    private static final byte[] SUBSCRIBE_ALL = {1};

    @Test
    void aNewSubscriberIsWelcomedAndGetsTheIdleOfAKernelInfoAnsweredJustBefore() {
        JsonObject info = request("kernel_info_request");
        published("busy", info);
        published("idle", info);
        published("idle", request("execute_request"));
        now.addAndGet(TimeUnit.MILLISECONDS.toNanos(40));

        List<Message> sent = subscriptions.welcome(List.of(SUBSCRIBE_ALL));
        assertEquals(List.of("iopub_welcome", "status"), sent.stream().map(Message::type).toList());
        assertEquals("", sent.get(0).contentString("subscription", "?"));
        assertEquals(info, sent.get(1).parentHeader());
        assertEquals("idle", sent.get(1).contentString("execution_state", ""));
    }

    @Test
    void aKernelInfoAnsweredLongBeforeIsNotPublishedAgain() {
        published("idle", request("kernel_info_request"));
        now.addAndGet(Subscriptions.RECENT_NANOS + 1);
        assertEquals(List.of("iopub_welcome"), subscriptions.welcome(List.of(SUBSCRIBE_ALL)).stream().map(Message::type).toList());
    }

    @Test
    void anEndedSubscriptionGetsNothingAndATopicIsWelcomedUnderItself() {
        published("idle", request("kernel_info_request"));
        assertTrue(subscriptions.welcome(List.of(new byte[] {0})).isEmpty());
        List<Message> sent = subscriptions.welcome(List.of(new byte[] {1, 'k', 'e', 'r'}, new byte[] {1, 'c'}));
        assertEquals(List.of("iopub_welcome", "iopub_welcome", "status"), sent.stream().map(Message::type).toList(),
                "one welcome per subscription, the idle once");
        assertEquals("ker", sent.get(0).contentString("subscription", "?"));
        assertEquals("ker", new String(sent.get(0).identities().get(0), java.nio.charset.StandardCharsets.UTF_8));
    }
}
