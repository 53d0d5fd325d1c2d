package threadbook.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class SignerTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void rfc4231TestCase2() {
        Signer signer = new Signer("Jefe");
        assertTrue(signer.enabled());
        assertEquals("5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
                signer.sign(b("what do ya want for nothing?")));
    }

    @Test
    void signingIsRepeatableOnTheSameThread() {
        // The Mac is reused per thread; doFinal must leave it reset for the next signature.
        Signer signer = new Signer("Jefe");
        String first = signer.sign(b("what do ya want for nothing?"));
        String second = signer.sign(b("what do ya want for nothing?"));
        assertEquals(first, second);
    }

    @Test
    void signingSeveralPartsEqualsSigningTheirConcatenation() {
        Signer signer = new Signer("a-secret-key");
        String parts = signer.sign(b("{\"msg_type\":\"x\"}"), b("{}"), b("{}"), b("{\"code\":\"1+1\"}"));
        String whole = signer.sign(b("{\"msg_type\":\"x\"}{}{}{\"code\":\"1+1\"}"));
        assertEquals(whole, parts);
        assertEquals(64, parts.length());
        assertTrue(parts.matches("[0-9a-f]{64}"), parts);
    }

    @Test
    void differentKeysGiveDifferentSignatures() {
        assertNotEquals(new Signer("key-one").sign(b("data")), new Signer("key-two").sign(b("data")));
    }

    @Test
    void verifyAcceptsTheRightSignature() {
        Signer signer = new Signer("k");
        byte[][] parts = {b("h"), b("p"), b("m"), b("c")};
        byte[] signature = b(signer.sign(parts));
        assertTrue(signer.verify(signature, parts));
    }

    @Test
    void verifyRejectsAChangedPart() {
        Signer signer = new Signer("k");
        byte[] signature = b(signer.sign(b("h"), b("p"), b("m"), b("c")));
        assertFalse(signer.verify(signature, b("h"), b("p"), b("m"), b("C")));
        assertFalse(signer.verify(signature, b("h"), b("p"), b("m")));
    }

    @Test
    void verifyRejectsAChangedSignature() {
        Signer signer = new Signer("k");
        byte[][] parts = {b("h"), b("p"), b("m"), b("c")};
        byte[] signature = b(signer.sign(parts));
        signature[signature.length - 1] = (byte) (signature[signature.length - 1] == '0' ? '1' : '0');
        assertFalse(signer.verify(signature, parts));
        assertFalse(signer.verify(new byte[0], parts));
    }

    @Test
    void emptyKeyDisablesSigning() {
        Signer signer = new Signer("");
        assertFalse(signer.enabled());
        assertEquals("", signer.sign(b("anything"), b("at all")));
        assertTrue(signer.verify(b("garbage"), b("anything")));
        assertTrue(signer.verify(new byte[0], b("anything")));
    }
}
