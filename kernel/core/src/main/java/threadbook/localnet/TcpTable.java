package threadbook.localnet;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.function.IntPredicate;
import java.util.function.Predicate;

/**
 * Linux's tables of TCP sockets (/proc/net/tcp and /proc/net/tcp6, readable by every user), the one place that
 * knows their format. The kernel's gates use them to find who holds the other end of a loopback connection: a
 * peer is found by the whole tuple (its local address is our remote one and the other way round), so no other
 * socket can be taken for it.
 */
public final class TcpTable {
    /** The state column's value for a connection that is up. */
    public static final String ESTABLISHED = "01";

    /** One socket's line: addresses as {@link #address} writes them, and its owner's uid and inode. */
    public record Row(String local, String remote, String state, int uid, long inode) {
        public boolean established() {
            return ESTABLISHED.equals(state);
        }
    }

    private TcpTable() {}

    /**
     * Reads a table's lines after its header, handing {@code each} the rows whose remote port {@code remotePort}
     * accepts (the other lines are skipped without making strings: a flood can add thousands) until it returns
     * false. Returns how many lines were read, the cost of the reading.
     */
    public static int scan(InputStream in, IntPredicate remotePort, Predicate<Row> each) throws IOException {
        byte[] buffer = new byte[1 << 16];
        byte[] line = new byte[256];
        int length = 0;
        int lines = -1; // the header is not a socket
        for (int n = in.read(buffer); n >= 0; n = in.read(buffer)) {
            for (int i = 0; i < n; i++) {
                byte b = buffer[i];
                if (b != '\n') {
                    if (length == line.length) {
                        line = java.util.Arrays.copyOf(line, line.length * 2);
                    }
                    line[length++] = b;
                    continue;
                }
                lines++;
                if (lines > 0) {
                    Row row = parse(line, length, remotePort);
                    if (row != null && !each.test(row)) {
                        return lines;
                    }
                }
                length = 0;
            }
        }
        return lines < 0 ? 0 : lines;
    }

    /** sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ... */
    private static Row parse(byte[] line, int length, IntPredicate remotePort) {
        int[] start = new int[10];
        int[] end = new int[10];
        int fields = 0;
        for (int i = 0; i < length && fields < start.length; i++) {
            if (line[i] != ' ' && (i == 0 || line[i - 1] == ' ')) {
                start[fields] = i;
            }
            if (line[i] != ' ' && (i + 1 == length || line[i + 1] == ' ')) {
                end[fields++] = i + 1;
            }
        }
        if (fields < 10 || end[2] - start[2] < 5 || !remotePort.test(hex(line, end[2] - 4, end[2]))) {
            return null;
        }
        return new Row(text(line, start[1], end[1]), text(line, start[2], end[2]), text(line, start[3], end[3]),
                (int) Long.parseLong(text(line, start[7], end[7])), Long.parseLong(text(line, start[9], end[9])));
    }

    private static String text(byte[] line, int from, int to) {
        return new String(line, from, to - from, StandardCharsets.US_ASCII);
    }

    private static int hex(byte[] text, int from, int to) {
        int value = 0;
        for (int i = from; i < to; i++) {
            int digit = Character.digit(text[i], 16);
            if (digit < 0) {
                return -1;
            }
            value = value * 16 + digit;
        }
        return value;
    }

    /**
     * An address and port as the tables write them: the address's 32-bit words each in the machine's byte order,
     * in hex; {@code v6} gives an IPv4 address in tcp6's form, the mapped one (::ffff:a.b.c.d), which is how an
     * IPv6 socket (a Java one, where the system has IPv6) talks to 127.0.0.1. Null where the address cannot be
     * in that table (an IPv6 address in tcp).
     */
    public static String address(InetSocketAddress address, boolean v6) {
        byte[] raw = address.getAddress().getAddress();
        if (raw.length == 4 && v6) {
            byte[] mapped = new byte[16];
            mapped[10] = (byte) 0xff;
            mapped[11] = (byte) 0xff;
            System.arraycopy(raw, 0, mapped, 12, 4);
            raw = mapped;
        } else if (raw.length == 16 && !v6) {
            return null;
        }
        StringBuilder s = new StringBuilder(raw.length * 2 + 5);
        boolean little = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
        for (int word = 0; word < raw.length; word += 4) {
            for (int i = 0; i < 4; i++) {
                int b = raw[word + (little ? 3 - i : i)] & 0xff;
                s.append(Character.toUpperCase(Character.forDigit(b >> 4, 16)))
                        .append(Character.toUpperCase(Character.forDigit(b & 0xf, 16)));
            }
        }
        return s.append(String.format(":%04X", address.getPort())).toString();
    }
}
