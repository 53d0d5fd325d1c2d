package threadbook.protocol;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConnectionInfoTest {
    private static final String TYPICAL = "{\n"
            + "  \"shell_port\": 53794,\n"
            + "  \"iopub_port\": 53795,\n"
            + "  \"stdin_port\": 53796,\n"
            + "  \"control_port\": 53797,\n"
            + "  \"hb_port\": 53798,\n"
            + "  \"ip\": \"127.0.0.1\",\n"
            + "  \"key\": \"a0436f6c-1916-498b-8eb9-e81ab9368e84\",\n"
            + "  \"transport\": \"tcp\",\n"
            + "  \"signature_scheme\": \"hmac-sha256\",\n"
            + "  \"kernel_name\": \"threadbook\"\n"
            + "}\n";

    @Test
    void parsesTypicalConnectionFile() {
        ConnectionInfo info = ConnectionInfo.parse(TYPICAL);
        assertEquals("tcp", info.transport());
        assertEquals("127.0.0.1", info.ip());
        assertEquals(53794, info.shellPort());
        assertEquals(53795, info.iopubPort());
        assertEquals(53796, info.stdinPort());
        assertEquals(53797, info.controlPort());
        assertEquals(53798, info.hbPort());
        assertEquals("a0436f6c-1916-498b-8eb9-e81ab9368e84", info.key());
        assertEquals("hmac-sha256", info.signatureScheme());
    }

    @Test
    void tcpAddress() {
        ConnectionInfo info = ConnectionInfo.parse(TYPICAL);
        assertEquals("tcp://127.0.0.1:53794", info.address(info.shellPort()));
        assertEquals("tcp://127.0.0.1:53798", info.address(info.hbPort()));
    }

    @Test
    void portZeroMeansAnyPort() {
        ConnectionInfo info = ConnectionInfo.parse(TYPICAL);
        assertEquals("tcp://127.0.0.1:*", info.address(0));
    }

    @Test
    void defaultsForTransportIpAndScheme() {
        ConnectionInfo info = ConnectionInfo.parse("{\"shell_port\":1,\"iopub_port\":2,\"stdin_port\":3,"
                + "\"control_port\":4,\"hb_port\":5}");
        assertEquals("tcp", info.transport());
        assertEquals("127.0.0.1", info.ip());
        assertEquals("", info.key());
        assertEquals("hmac-sha256", info.signatureScheme());
    }

    @Test
    void unsupportedSignatureSchemeWithKeyIsRejected() {
        String json = TYPICAL.replace("hmac-sha256", "hmac-md5");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionInfo.parse(json));
        assertTrue(e.getMessage().contains("hmac-md5"), e.getMessage());
    }

    @Test
    void missingPortIsRejected() {
        String json = TYPICAL.replace("\"iopub_port\": 53795,", "");
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> ConnectionInfo.parse(json));
        assertTrue(e.getMessage().contains("iopub_port"), e.getMessage());
    }

    @Test
    void readsAFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kernel-1234.json");
        Files.writeString(file, TYPICAL, StandardCharsets.UTF_8);
        assertEquals(ConnectionInfo.parse(TYPICAL), ConnectionInfo.read(file));
    }

    @Test
    void readOfBadJsonGivesIOExceptionNamingTheFile(@TempDir Path dir) throws IOException {
        Path file = dir.resolve("kernel-bad.json");
        Files.writeString(file, "{\"shell_port\": 53794, \"iopub_port\": ", StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(file));
        assertTrue(e.getMessage().contains(file.toString()), e.getMessage());
        assertTrue(e.getMessage().contains("not valid"), e.getMessage());
    }

    @Test
    void readOfMissingPortOrEmptyFileGivesIOException(@TempDir Path dir) throws IOException {
        Path missingPort = dir.resolve("missing.json");
        Files.writeString(missingPort, TYPICAL.replace("\"hb_port\": 53798,", ""), StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(missingPort));
        assertTrue(e.getMessage().contains("hb_port"), e.getMessage());

        Path empty = dir.resolve("empty.json");
        Files.writeString(empty, "", StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> ConnectionInfo.read(empty));

        Path notANumber = dir.resolve("nan.json");
        Files.writeString(notANumber, TYPICAL.replace("53794", "\"abc\""), StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> ConnectionInfo.read(notANumber));
    }

    @Test
    void readOfMissingFileGivesIOException(@TempDir Path dir) {
        assertThrows(IOException.class, () -> ConnectionInfo.read(dir.resolve("nope.json")));
    }

    @Test
    void readOfNullOrNonNumericPortGivesIOException(@TempDir Path dir) throws IOException {
        Path nullPort = dir.resolve("null-port.json");
        Files.writeString(nullPort, TYPICAL.replace("53794", "null"), StandardCharsets.UTF_8);
        IOException e = assertThrows(IOException.class, () -> ConnectionInfo.read(nullPort));
        assertTrue(e.getMessage().contains(nullPort.toString()), e.getMessage());

        Path objectPort = dir.resolve("object-port.json");
        Files.writeString(objectPort, TYPICAL.replace("53794", "{}"), StandardCharsets.UTF_8);
        assertThrows(IOException.class, () -> ConnectionInfo.read(objectPort));
    }
}
