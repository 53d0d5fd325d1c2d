package threadbook.kernel;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.util.List;
import java.util.logging.Logger;
import org.zeromq.ZMQ;
import threadbook.jshell.InputProvider;
import threadbook.protocol.KernelSockets;
import threadbook.protocol.Message;
import threadbook.protocol.WireCodec;

/**
 * Lines for user code that reads {@code System.in}: asks the frontend that sent the running cell
 * (input_request on the stdin socket) and waits for its input_reply.
 */
final class StdinBridge implements InputProvider {
    private static final Logger LOG = Logger.getLogger(StdinBridge.class.getName());

    private final ZMQ.Socket socket;
    private final WireCodec codec;
    private final String jupyterSession;
    private volatile Message request;
    private volatile long cell;
    private volatile boolean cancelled;

    StdinBridge(ZMQ.Socket socket, WireCodec codec, String jupyterSession) {
        this.socket = socket;
        this.codec = codec;
        this.jupyterSession = jupyterSession;
    }

    /** Input read from now on answers {@code executeRequest}'s frontend. */
    void begin(Message executeRequest, long cellId) {
        cancelled = false;
        cell = cellId;
        request = executeRequest;
    }

    void end() {
        request = null;
    }

    /** Gives up waiting for a reply (the cell was interrupted). */
    void cancel() {
        cancelled = true;
    }

    @Override
    public String readLine(long fromCell, String prompt) throws IOException {
        Message req = request;
        if (req == null || fromCell != cell) {
            throw new IOException("System.in can only be read while its cell runs (this thread belongs to a"
                    + " cell that has ended)");
        }
        return askForLine(req, prompt);
    }

    private String askForLine(Message req, String prompt) throws IOException {
        if (!req.contentBoolean("allow_stdin", false)) {
            throw new IOException("this frontend does not accept input (the cell was sent with allow_stdin false),"
                    + " so System.in cannot be read here");
        }
        JsonObject content = new JsonObject();
        content.addProperty("prompt", prompt);
        content.addProperty("password", false);
        Message ask = Message.create(jupyterSession, "input_request", req.header(), content, req.identities());
        synchronized (socket) {
            KernelSockets.send(socket, codec.encode(ask));
            while (true) {
                if (cancelled || request != req) {
                    throw new InterruptedIOException("input was cancelled");
                }
                List<byte[]> frames = KernelSockets.receive(socket, 100);
                if (frames == null) {
                    continue;
                }
                try {
                    Message reply = codec.decode(frames);
                    if (reply.type().equals("input_reply")) {
                        return reply.contentString("value", "");
                    }
                    LOG.warning("ignored a " + reply.type() + " on the stdin channel");
                } catch (WireCodec.BadMessageException | Message.BadRequestException e) {
                    LOG.warning("dropped a message on the stdin channel: " + e.getMessage());
                }
            }
        }
    }
}
