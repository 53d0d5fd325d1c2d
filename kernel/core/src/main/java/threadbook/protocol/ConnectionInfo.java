package threadbook.protocol;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/** The connection file a Jupyter client writes for the kernel: where to bind, and the signing key. */
public record ConnectionInfo(String transport, String ip, int shellPort, int iopubPort, int stdinPort,
                             int controlPort, int hbPort, String key, String signatureScheme) {

    public static ConnectionInfo read(Path file) throws IOException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        try {
            return parse(text);
        } catch (RuntimeException e) { // Gson's parse and type errors
            throw new IOException("the connection file " + file + " is not valid: " + e.getMessage(), e);
        }
    }

    public static ConnectionInfo parse(String json) {
        JsonObject o = JsonParser.parseString(json).getAsJsonObject();
        String scheme = string(o, "signature_scheme", "hmac-sha256");
        String key = string(o, "key", "");
        if (!key.isEmpty() && !scheme.equals("hmac-sha256")) {
            throw new IllegalArgumentException("signature_scheme " + scheme + " is not supported (only hmac-sha256)");
        }
        return new ConnectionInfo(string(o, "transport", "tcp"), string(o, "ip", "127.0.0.1"),
                port(o, "shell_port"), port(o, "iopub_port"), port(o, "stdin_port"),
                port(o, "control_port"), port(o, "hb_port"), key, scheme);
    }

    /** The ZeroMQ address for a port; port 0 means "any free port", which JeroMQ spells "*". */
    public String address(int port) {
        if (transport.equals("ipc")) {
            return "ipc://" + ip + "-" + port;
        }
        return transport + "://" + ip + ":" + (port == 0 ? "*" : Integer.toString(port));
    }

    private static String string(JsonObject o, String name, String fallback) {
        return o.has(name) && !o.get(name).isJsonNull() ? o.get(name).getAsString() : fallback;
    }

    private static int port(JsonObject o, String name) {
        if (!o.has(name)) {
            throw new IllegalArgumentException("missing " + name);
        }
        return o.get(name).getAsInt();
    }
}
