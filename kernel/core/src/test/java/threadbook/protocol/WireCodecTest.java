package threadbook.protocol;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import threadbook.protocol.WireCodec.BadMessageException;

class WireCodecTest {
    private static final String KEY = "3b3c2f0e-5b5d-4b1a-9c3e-2f1d7a9e0c11";

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static JsonObject header(String type) {
        JsonObject h = new JsonObject();
        h.addProperty("msg_id", "id-" + type);
        h.addProperty("session", "s1");
        h.addProperty("username", "user");
        h.addProperty("date", "2024-01-01T00:00:00.000000Z");
        h.addProperty("msg_type", type);
        h.addProperty("version", "5.3");
        return h;
    }

    private static Message sample() {
        JsonObject parent = header("execute_request");
        JsonObject metadata = new JsonObject();
        metadata.addProperty("started", "now");
        JsonObject content = new JsonObject();
        content.addProperty("code", "System.out.println(\"héllo <b>&</b>\");");
        content.addProperty("silent", false);
        return new Message(List.of(b("client-1"), new byte[] {0, 1, 2, (byte) 0xff}), header("execute_reply"),
                parent, metadata, content, List.of(new byte[] {9, 8, 7}, new byte[0]));
    }

    /** The frames of a message whose four JSON parts are given as text, signed by {@code signer}. */
    private static List<byte[]> frames(Signer signer, String header, String parent, String metadata, String content) {
        List<byte[]> frames = new ArrayList<>();
        frames.add(b("ident"));
        frames.add(WireCodec.DELIMITER);
        frames.add(b(signer.sign(b(header), b(parent), b(metadata), b(content))));
        frames.add(b(header));
        frames.add(b(parent));
        frames.add(b(metadata));
        frames.add(b(content));
        return frames;
    }

    private static String headerJson(String type) {
        return new String(WireCodec.json(header(type)), StandardCharsets.UTF_8);
    }

    @Test
    void encodeThenDecodeKeepsEverything() throws Exception {
        WireCodec codec = new WireCodec(new Signer(KEY));
        Message original = sample();
        List<byte[]> frames = codec.encode(original);

        assertEquals(2 + 1 + 1 + 4 + 2, frames.size());
        assertArrayEquals(WireCodec.DELIMITER, frames.get(2));
        assertEquals(64, frames.get(3).length, "an HMAC-SHA256 hex signature");

        Message decoded = codec.decode(frames);
        assertEquals(original.identities().size(), decoded.identities().size());
        for (int i = 0; i < original.identities().size(); i++) {
            assertArrayEquals(original.identities().get(i), decoded.identities().get(i));
        }
        assertEquals(original.header(), decoded.header());
        assertEquals(original.parentHeader(), decoded.parentHeader());
        assertEquals(original.metadata(), decoded.metadata());
        assertEquals(original.content(), decoded.content());
        assertEquals(original.buffers().size(), decoded.buffers().size());
        for (int i = 0; i < original.buffers().size(); i++) {
            assertArrayEquals(original.buffers().get(i), decoded.buffers().get(i));
        }
        assertEquals("execute_reply", decoded.type());
        assertEquals("id-execute_reply", decoded.id());
    }

    @Test
    void encodeDoesNotEscapeHtml() {
        List<byte[]> frames = new WireCodec(new Signer("")).encode(sample());
        String content = new String(frames.get(frames.size() - 3), StandardCharsets.UTF_8);
        assertTrue(content.contains("<b>&</b>"), content);
    }

    @Test
    void roundTripWithoutIdentitiesOrBuffers() throws Exception {
        WireCodec codec = new WireCodec(new Signer(KEY));
        Message m = new Message(List.of(), header("kernel_info_request"), new JsonObject(), new JsonObject(),
                new JsonObject(), List.of());
        List<byte[]> frames = codec.encode(m);
        assertEquals(6, frames.size());
        Message decoded = codec.decode(frames);
        assertTrue(decoded.identities().isEmpty());
        assertTrue(decoded.buffers().isEmpty());
        assertEquals(m.header(), decoded.header());
    }

    @Test
    void rejectsFramesWithoutDelimiter() {
        WireCodec codec = new WireCodec(new Signer(""));
        List<byte[]> frames = codec.encode(sample());
        frames.removeIf(f -> java.util.Arrays.equals(f, WireCodec.DELIMITER));
        BadMessageException e = assertThrows(BadMessageException.class, () -> codec.decode(frames));
        assertTrue(e.getMessage().contains("delimiter"), e.getMessage());
    }

    @Test
    void rejectsTooFewFrames() {
        WireCodec codec = new WireCodec(new Signer(""));
        List<byte[]> frames = frames(new Signer(""), headerJson("x"), "{}", "{}", "{}");
        frames.remove(frames.size() - 1); // no content frame
        assertThrows(BadMessageException.class, () -> codec.decode(frames));
    }

    @Test
    void rejectsInvalidJson() {
        Signer signer = new Signer(KEY);
        WireCodec codec = new WireCodec(signer);
        // Correctly signed, so that only the JSON is wrong.
        assertThrows(BadMessageException.class,
                () -> codec.decode(frames(signer, headerJson("x"), "{}", "{}", "{\"code\": ")));
        assertThrows(BadMessageException.class,
                () -> codec.decode(frames(signer, "{not json", "{}", "{}", "{}")));
        assertThrows(BadMessageException.class,
                () -> codec.decode(frames(signer, headerJson("x"), "[1, 2]", "{}", "{}")));
    }

    @Test
    void rejectsHeaderWithoutMsgType() {
        Signer signer = new Signer(KEY);
        JsonObject h = header("x");
        h.remove("msg_type");
        String header = new String(WireCodec.json(h), StandardCharsets.UTF_8);
        BadMessageException e = assertThrows(BadMessageException.class,
                () -> new WireCodec(signer).decode(frames(signer, header, "{}", "{}", "{}")));
        assertTrue(e.getMessage().contains("msg_type"), e.getMessage());
    }

    @Test
    void rejectsWrongSignature() {
        WireCodec codec = new WireCodec(new Signer(KEY));
        List<byte[]> signedWithOtherKey = frames(new Signer("other-key"), headerJson("x"), "{}", "{}", "{}");
        assertThrows(BadMessageException.class, () -> codec.decode(signedWithOtherKey));

        List<byte[]> tampered = codec.encode(sample());
        int contentIndex = tampered.size() - 3;
        tampered.set(contentIndex, b("{\"code\":\"System.exit(0);\"}"));
        assertThrows(BadMessageException.class, () -> codec.decode(tampered));
    }

    @Test
    void rejectsUnsignedMessageWhenKeyIsSet() {
        WireCodec codec = new WireCodec(new Signer(KEY));
        List<byte[]> unsigned = frames(new Signer(""), headerJson("x"), "{}", "{}", "{}");
        assertEquals(0, unsigned.get(2).length);
        BadMessageException e = assertThrows(BadMessageException.class, () -> codec.decode(unsigned));
        assertTrue(e.getMessage().contains("unsigned"), e.getMessage());
    }

    @Test
    void acceptsUnsignedMessageWithEmptyKey() throws Exception {
        WireCodec codec = new WireCodec(new Signer(""));
        Message m = codec.decode(frames(new Signer(""), headerJson("kernel_info_request"), "{}", "{}", "{}"));
        assertEquals("kernel_info_request", m.type());
        assertEquals(1, m.identities().size());
        assertArrayEquals(b("ident"), m.identities().get(0));
    }

    @Test
    void aCapturedMessageIsRefusedTheSecondTimeAlsoByAnotherCodecOfTheSameKernel() throws Exception {
        Signer signer = new Signer(KEY);
        WireCodec codec = new WireCodec(signer);
        List<byte[]> captured = frames(signer, headerJson("execute_request"), "{}", "{}", "{\"code\": \"1\"}");
        codec.decode(captured);
        BadMessageException e = assertThrows(BadMessageException.class, () -> codec.decode(captured));
        assertTrue(e.getMessage().contains("replayed"), e.getMessage());
        // Another message with other content is new, and accepted.
        codec.decode(frames(signer, headerJson("execute_request"), "{}", "{}", "{\"code\": \"2\"}"));
    }

    @Test
    void theMemoryOfSignaturesIsBoundedAndForgetsTheOldestFirst() throws Exception {
        Signer signer = new Signer(KEY);
        int memory = 1000;
        WireCodec codec = new WireCodec(signer, memory);
        List<byte[]> first = frames(signer, headerJson("a"), "{}", "{}", "{\"n\": -1}");
        codec.decode(first);
        List<byte[]> last = null;
        for (int i = 0; i < memory; i++) {
            last = frames(signer, headerJson("a"), "{}", "{}", "{\"n\": " + i + "}");
            codec.decode(last);
        }
        List<byte[]> newest = last;
        assertThrows(BadMessageException.class, () -> codec.decode(newest), "the newest is remembered");
        codec.decode(first); // forgotten after `memory` newer ones: that is the bound
    }

    @Test
    void withoutAKeyNothingIsRememberedAsThereIsNoSignature() throws Exception {
        Signer none = new Signer("");
        WireCodec codec = new WireCodec(none);
        List<byte[]> unsigned = frames(none, headerJson("a"), "{}", "{}", "{}");
        codec.decode(unsigned);
        codec.decode(unsigned);
    }

    @Test
    void fieldsOfTheWrongTypeNameTheField() {
        JsonObject content = new JsonObject();
        content.addProperty("n", "abc");
        content.addProperty("cursor_pos", 2.5);
        content.add("code", new com.google.gson.JsonArray());
        content.add("silent", com.google.gson.JsonNull.INSTANCE);
        content.addProperty("count", 7);
        Message m = new Message(List.of(), header("history_request"), new JsonObject(), new JsonObject(), content, List.of());
        assertEquals("the field 'n' must be a whole number, not \"abc\"",
                assertThrows(Message.BadRequestException.class, () -> m.contentInt("n", 0)).getMessage());
        assertEquals("cursor_pos", assertThrows(Message.BadRequestException.class, () -> m.contentInt("cursor_pos", 0)).field());
        assertEquals("code", assertThrows(Message.BadRequestException.class, () -> m.contentString("code", "")).field());
        assertEquals(true, m.contentBoolean("silent", true), "null is taken as absent");
        assertEquals(7, m.contentInt("count", 0));
        JsonObject badHeader = header("x");
        badHeader.add("msg_type", new JsonObject());
        assertEquals("", new Message(List.of(), badHeader, new JsonObject(), new JsonObject(), content, List.of()).type());
    }
}
