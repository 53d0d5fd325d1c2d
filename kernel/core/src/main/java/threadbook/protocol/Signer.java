package threadbook.protocol;

import java.nio.charset.StandardCharsets;
import java.security.InvalidKeyException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** HMAC-SHA256 signatures of messages, as the connection file's key asks. An empty key signs nothing. */
public final class Signer {
    private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);
    private final SecretKeySpec key;
    // Mac is not thread-safe; each thread that signs gets its own.
    private final ThreadLocal<Mac> mac;

    public Signer(String key) {
        this.key = key.isEmpty() ? null : new SecretKeySpec(key.getBytes(StandardCharsets.UTF_8), "HmacSHA256");
        this.mac = ThreadLocal.withInitial(this::newMac);
    }

    public boolean enabled() {
        return key != null;
    }

    /** The hex signature of the parts, in order; "" when signing is off. */
    public String sign(byte[]... parts) {
        if (key == null) {
            return "";
        }
        Mac m = mac.get();
        for (byte[] part : parts) {
            m.update(part);
        }
        byte[] digest = m.doFinal();
        byte[] hex = new byte[digest.length * 2];
        for (int i = 0; i < digest.length; i++) {
            hex[2 * i] = HEX[(digest[i] >> 4) & 0xF];
            hex[2 * i + 1] = HEX[digest[i] & 0xF];
        }
        return new String(hex, StandardCharsets.US_ASCII);
    }

    /** Checks a signature in constant time, so that timing does not leak how much of it was right. */
    public boolean verify(byte[] signature, byte[]... parts) {
        if (key == null) {
            return true;
        }
        byte[] expected = sign(parts).getBytes(StandardCharsets.US_ASCII);
        return MessageDigest.isEqual(expected, signature);
    }

    private Mac newMac() {
        try {
            Mac m = Mac.getInstance("HmacSHA256");
            m.init(key);
            return m;
        } catch (NoSuchAlgorithmException | InvalidKeyException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
