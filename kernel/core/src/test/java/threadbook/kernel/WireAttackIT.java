package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonPrimitive;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.protocol.Message;

/**
 * What any local process can send to the kernel's five ports, with or without the key: raw ZMTP bytes
 * that broke JeroMQ's decoder, huge frame sizes, signed messages with fields of the wrong type, and
 * replays. After each, the kernel must still answer on every channel.
 */
class WireAttackIT {
    private static final List<String> PORTS = List.of("shell_port", "control_port", "stdin_port", "iopub_port", "hb_port");

    private static KernelProcess kernel;
    private static KernelClient client;

    @BeforeAll
    static void start() throws Exception {
        kernel = KernelProcess.start();
        client = kernel.client();
        client.awaitReady(Duration.ofSeconds(60));
        assertEquals("2", client.execute("int kept = 2; kept").result());
    }

    @AfterAll
    static void stop() {
        client.close();
        kernel.close();
    }

    /** A ZMTP 3.0 greeting with the NULL mechanism, as any ZeroMQ peer sends first (64 bytes). */
    private static byte[] greeting() {
        byte[] g = new byte[64];
        g[0] = (byte) 0xff;
        g[9] = 0x7f;
        g[10] = 3;
        g[11] = 0;
        byte[] mechanism = "NULL".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(mechanism, 0, g, 12, mechanism.length);
        return g;
    }

    /** A long frame header (flag 0x02) announcing {@code size} bytes, as an 8-byte big-endian number. */
    private static byte[] longFrameHeader(long size) {
        byte[] h = new byte[9];
        h[0] = 0x02;
        for (int i = 0; i < 8; i++) {
            h[1 + i] = (byte) (size >>> (56 - 8 * i));
        }
        return h;
    }

    private static Socket raw(String port, byte[]... parts) throws Exception {
        Socket s = new Socket(InetAddress.getLoopbackAddress(), kernel.connection.get(port).getAsInt());
        OutputStream out = s.getOutputStream();
        for (byte[] p : parts) {
            out.write(p);
        }
        out.flush();
        return s;
    }

    /** Every channel answers: shell and control with kernel_info, a cell runs, the heartbeat echoes. */
    private static void assertKernelServes(String after) {
        for (var socket : List.of(client.shell, client.control)) {
            String id = client.send(socket, "kernel_info_request", new JsonObject());
            Message reply = client.reply(socket, id, Duration.ofSeconds(20));
            assertEquals("ok", reply.contentString("status", ""), after);
        }
        KernelClient.Execution e = client.execute("kept + 1", Duration.ofSeconds(30));
        assertEquals("3", e.result(), after + ": cells run and the session is kept");
        byte[] ping = ("ping " + after).getBytes(StandardCharsets.UTF_8);
        client.heartbeat.send(ping);
        client.heartbeat.setReceiveTimeOut(5000);
        assertTrue(Arrays.equals(ping, client.heartbeat.recv()), after + ": the heartbeat echoes");
    }

    @Test
    void seventyThreeBytesOnAnyPortDoNotSilenceTheKernel() throws Exception {
        for (String port : PORTS) {
            byte[] attack = concat(greeting(), longFrameHeader(-1L));
            assertEquals(73, attack.length);
            try (Socket s = raw(port, attack)) {
                Thread.sleep(300);
            }
            assertKernelServes("73 bytes on " + port);
        }
        // The same with the other sizes that do not fit a Java array: 2^63 and 2^32 + 16.
        for (long size : new long[] {Long.MIN_VALUE, (1L << 32) + 16, 0x7fffffffffffffffL}) {
            try (Socket s = raw("shell_port", greeting(), longFrameHeader(size))) {
                Thread.sleep(200);
            }
        }
        assertKernelServes("odd frame sizes");
    }

    @Test
    void framesAnnouncingGigabytesDoNotExhaustMemory() throws Exception {
        List<Socket> open = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                // 2 GiB - 1, the largest size JeroMQ would try to allocate at once.
                open.add(raw(PORTS.get(i % 3), greeting(), longFrameHeader(Integer.MAX_VALUE)));
            }
            for (int i = 0; i < 40; i++) {
                // Just under a size limit of tens of MiB: many of them must not add up without bound.
                open.add(raw(PORTS.get(i % 3), greeting(), longFrameHeader(60L << 20)));
            }
            Thread.sleep(1000);
            assertKernelServes("46 connections announcing huge frames");
            long rssKb = rssKb(kernel.process.pid());
            System.out.printf("kernel RSS with 46 connections announcing huge frames: %d MB%n", rssKb / 1024);
            assertTrue(rssKb < 1_500_000, "the kernel's resident memory stays bounded: " + rssKb + " kB");
        } finally {
            for (Socket s : open) {
                s.close();
            }
        }
    }

    @Test
    void signedMessagesWithBadFieldsAreAnsweredAndEndNoThread() {
        // msg_type of the wrong JSON type: the kernel cannot even tell which reply to send, but must live on.
        for (var bad : List.of(JsonNull.INSTANCE, new JsonObject(), new JsonArray(), new JsonPrimitive(7))) {
            for (var socket : List.of(client.shell, client.control)) {
                Message m = client.message("kernel_info_request", new JsonObject());
                m.header().add("msg_type", bad);
                client.sendRaw(socket, client.encode(m));
            }
        }
        assertKernelServes("msg_type null, {}, [] and 7");

        JsonObject expressions = new JsonObject();
        expressions.add("a", new JsonObject());
        expressions.addProperty("b", "kept * 10");
        JsonObject execute = new JsonObject();
        execute.addProperty("code", "kept");
        execute.add("user_expressions", expressions);
        String id = client.send(client.shell, "execute_request", execute);
        Message reply = client.reply(client.shell, id, Duration.ofSeconds(30));
        assertEquals("ok", reply.contentString("status", ""));
        JsonObject results = reply.content().getAsJsonObject("user_expressions");
        assertEquals("error", results.getAsJsonObject("a").get("status").getAsString());
        assertTrue(results.getAsJsonObject("a").get("evalue").getAsString().contains("string"),
                results.getAsJsonObject("a").toString());
        assertEquals("20", results.getAsJsonObject("b").getAsJsonObject("data").get("text/plain").getAsString());
        client.iopubUntilIdle(id, Duration.ofSeconds(10));

        JsonObject history = new JsonObject();
        history.addProperty("hist_access_type", "tail");
        history.addProperty("n", "abc");
        assertErrorNaming(client.shell, "history_request", history, "n");

        JsonObject inspect = new JsonObject();
        inspect.addProperty("code", "String");
        inspect.addProperty("cursor_pos", "x");
        assertErrorNaming(client.shell, "inspect_request", inspect, "cursor_pos");

        JsonObject complete = new JsonObject();
        complete.add("code", new JsonArray());
        complete.addProperty("cursor_pos", 2);
        assertErrorNaming(client.shell, "complete_request", complete, "code");

        JsonObject code = new JsonObject();
        code.addProperty("code", 42);
        assertErrorNaming(client.shell, "execute_request", code, "code");
        assertKernelServes("fields of the wrong type");
    }

    private static void assertErrorNaming(org.zeromq.ZMQ.Socket socket, String type, JsonObject content, String field) {
        String id = client.send(socket, type, content);
        Message reply = client.reply(socket, id, Duration.ofSeconds(20));
        assertEquals("error", reply.contentString("status", ""), type + ": " + reply.content());
        assertTrue(reply.contentString("evalue", "").contains("'" + field + "'"), reply.content().toString());
        client.iopubUntilIdle(id, Duration.ofSeconds(10));
    }

    @Test
    void executeOnTheControlChannelWhileACellRunsLeavesBothAnswered() {
        String running = client.executeAsync("Thread.sleep(1500); System.out.println(\"shell cell done\");");
        JsonObject content = new JsonObject();
        content.addProperty("code", "kept * 100");
        String onControl = client.send(client.control, "execute_request", content);
        Message controlReply = client.reply(client.control, onControl, Duration.ofSeconds(30));
        assertNotNull(controlReply);
        Message shellReply = client.reply(client.shell, running, Duration.ofSeconds(30));
        assertEquals("ok", shellReply.contentString("status", ""), shellReply.content().toString());
        client.iopubFor(Duration.ofMillis(500));
        assertKernelServes("execute_request on control during a cell");
    }

    private static void answered(KernelClient c, String code) {
        Message reply = c.reply(c.shell, c.send(c.shell, "execute_request", KernelClient.executeContent(code, false)),
                Duration.ofSeconds(30));
        assertEquals("ok", reply.contentString("status", ""), reply.content().toString());
    }

    @Test
    void aReplayedRequestIsNotRunAgain() throws Exception {
        Path marker = Files.createTempFile("replay", ".txt");
        Message m = client.message("execute_request", KernelClient.executeContent(
                "java.nio.file.Files.writeString(java.nio.file.Path.of(\"" + marker + "\"), \"x\","
                        + " java.nio.file.StandardOpenOption.APPEND);", false));
        List<byte[]> frames = client.encode(m);
        client.sendRaw(client.shell, frames);
        client.reply(client.shell, m.id(), Duration.ofSeconds(30));
        client.iopubUntilIdle(m.id(), Duration.ofSeconds(10));
        for (int i = 0; i < 5; i++) {
            client.sendRaw(client.shell, frames);
        }
        // After the replays, a cell on the same connection: the kernel takes one connection's requests in order,
        // one at a time, so once that cell has answered, each replay was dropped or had run before it.
        answered(client, "1");
        // And from a new connection, as a process that captured the bytes would send them.
        try (KernelClient other = kernel.client()) {
            other.sendRaw(other.shell, frames);
            answered(other, "2");
        }
        assertEquals("x", Files.readString(marker), "the captured request ran once, not again");
        assertKernelServes("replays");
    }

    @Test
    void stopOnErrorRepliesToTheFailingCellBeforeTheAbortedOnes() {
        String failing = client.executeAsync("Thread.sleep(300); throw new IllegalStateException(\"first fails\");");
        String queued1 = client.executeAsync("System.out.println(\"must not run\")");
        String queued2 = client.executeAsync("System.out.println(\"must not run either\")");
        List<Message> replies = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (replies.size() < 3 && System.nanoTime() < deadline) {
            Message r = client.receive(client.shell, Duration.ofMillis(200));
            if (r != null && List.of(failing, queued1, queued2).contains(KernelClient.parentId(r))) {
                replies.add(r);
            }
        }
        assertEquals(3, replies.size());
        assertEquals(failing, KernelClient.parentId(replies.get(0)), "the failing cell is answered first");
        assertEquals("error", replies.get(0).contentString("status", ""));
        int count = replies.get(0).contentInt("execution_count", -1);
        for (Message aborted : replies.subList(1, 3)) {
            assertEquals("aborted", aborted.contentString("status", ""));
            assertTrue(aborted.content().has("execution_count"), "an aborted reply has an execution_count: " + aborted.content());
        }
        assertTrue(count > 0);
        client.iopubFor(Duration.ofMillis(500));
    }

    @Test
    void aShutdownLogsNoStackTrace() throws Exception {
        try (KernelProcess own = KernelProcess.start(); KernelClient c = own.client()) {
            c.awaitReady(Duration.ofSeconds(60));
            assertEquals("2", c.execute("1 + 1").result());
            JsonObject content = new JsonObject();
            content.addProperty("restart", false);
            String id = c.send(c.control, "shutdown_request", content);
            c.reply(c.control, id, Duration.ofSeconds(20));
            assertTrue(own.process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS), "the kernel exits");
            String log = own.log();
            assertTrue(!log.contains("Exception") && !log.contains("\tat "), "a quiet shutdown:\n" + log);
        }
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static long rssKb(long pid) throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
            if (line.startsWith("VmRSS:")) {
                return Long.parseLong(line.replaceAll("\\D", ""));
            }
        }
        return -1;
    }
}
