package threadbook.remote;

import com.sun.jdi.connect.spi.ClosedConnectionException;
import com.sun.jdi.connect.spi.Connection;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * JDI's view of the agent's debug connection, over a socket the kernel accepted and checked itself
 * (JDI's own listening connector takes whoever connects first as the debugged JVM). JDWP packets start
 * with their length, a 4-byte big-endian int that counts the whole packet.
 */
final class JdwpConnection extends Connection {
    static final byte[] HANDSHAKE = "JDWP-Handshake".getBytes(StandardCharsets.US_ASCII);
    private static final int HEADER = 11;

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    private final Object reading = new Object();
    private final Object writing = new Object();
    private volatile boolean open = true;

    JdwpConnection(Socket socket) throws IOException {
        this.socket = socket;
        socket.setTcpNoDelay(true);
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
    }

    /** The debugger sends the handshake; a JDWP agent answers with the same 14 bytes. */
    static LoopbackGate.Check handshake() {
        return candidate -> {
            candidate.getOutputStream().write(HANDSHAKE);
            candidate.getOutputStream().flush();
            return Arrays.equals(HANDSHAKE, candidate.getInputStream().readNBytes(HANDSHAKE.length));
        };
    }

    @Override
    public byte[] readPacket() throws IOException {
        ensureOpen();
        synchronized (reading) {
            try {
                int length;
                try {
                    length = in.readInt();
                } catch (EOFException end) {
                    return new byte[0]; // JDI's signal that the other side closed
                }
                if (length < HEADER) {
                    throw new IOException("JDWP protocol error: packet length " + length);
                }
                byte[] packet = new byte[length];
                packet[0] = (byte) (length >>> 24);
                packet[1] = (byte) (length >>> 16);
                packet[2] = (byte) (length >>> 8);
                packet[3] = (byte) length;
                in.readFully(packet, 4, length - 4);
                return packet;
            } catch (IOException e) {
                ensureOpen();
                throw e;
            }
        }
    }

    @Override
    public void writePacket(byte[] packet) throws IOException {
        ensureOpen();
        if (packet.length < HEADER) {
            throw new IllegalArgumentException("JDWP packet shorter than its header");
        }
        int length = ((packet[0] & 0xff) << 24) | ((packet[1] & 0xff) << 16) | ((packet[2] & 0xff) << 8) | (packet[3] & 0xff);
        if (length < HEADER || length > packet.length) {
            throw new IllegalArgumentException("JDWP packet length " + length + " does not fit its " + packet.length + " bytes");
        }
        synchronized (writing) {
            try {
                out.write(packet, 0, length);
                out.flush();
            } catch (IOException e) {
                ensureOpen();
                throw e;
            }
        }
    }

    private void ensureOpen() throws ClosedConnectionException {
        if (!open) {
            throw new ClosedConnectionException("the debug connection is closed");
        }
    }

    @Override
    public void close() throws IOException {
        open = false;
        socket.close();
    }

    @Override
    public boolean isOpen() {
        return open;
    }
}
