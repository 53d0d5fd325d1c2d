package threadbook.localnet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.ByteArrayInputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class TcpTableTest {
    // Two lines as Linux 6.1 writes /proc/net/tcp: a listening socket on 8080 and a connection from
    // 127.0.0.2:8080 (a spoofed source port) to 127.0.0.1:40000.
    private static final String TABLE = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
               0: 0100007F:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000  1000        0 123456 1 0000000000000000 100 0 0 10 0
               1: 0200007F:1F90 0100007F:9C40 01 00000000:00000000 00:00000000 00000000 65534        0 987654321 1 0000000000000000 20 4 30 10 -1
            """;

    @Test
    void handsOverOnlyTheRowsOfTheWantedRemotePorts() throws Exception {
        List<TcpTable.Row> rows = new ArrayList<>();
        int lines = TcpTable.scan(stream(TABLE), port -> port == 0x9C40, rows::add);
        assertEquals(2, lines, "every socket line is counted, wanted or not");
        assertEquals(List.of(new TcpTable.Row("0200007F:1F90", "0100007F:9C40", "01", 65534, 987654321L)), rows);
        assertEquals(true, rows.get(0).established());
    }

    @Test
    void stopsWhenTheCallerHasWhatItWants() throws Exception {
        List<TcpTable.Row> rows = new ArrayList<>();
        int lines = TcpTable.scan(stream(TABLE), port -> true, row -> rows.add(row) && false);
        assertEquals(1, lines);
        assertEquals(1, rows.size());
        assertEquals(123456L, rows.get(0).inode());
    }

    @Test
    void anEmptyOrHeaderOnlyTableHasNoLines() throws Exception {
        assertEquals(0, TcpTable.scan(stream(""), port -> true, row -> true));
        assertEquals(0, TcpTable.scan(stream(TABLE.lines().findFirst().orElseThrow() + "\n"), port -> true, row -> true));
    }

    @Test
    void writesAddressesAsTheTablesDo() {
        assumeTrue(ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN, "the tables print words in the machine's order");
        InetSocketAddress v4 = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0x1F90);
        assertEquals("0100007F:1F90", TcpTable.address(v4, false));
        assertEquals("0000000000000000FFFF00000100007F:1F90", TcpTable.address(v4, true));
        InetSocketAddress v6 = new InetSocketAddress("::1", 80);
        assertEquals("00000000000000000000000001000000:0050", TcpTable.address(v6, true));
        assertNull(TcpTable.address(v6, false), "an IPv6 address is never in tcp");
    }

    private static ByteArrayInputStream stream(String text) {
        return new ByteArrayInputStream(text.getBytes(StandardCharsets.US_ASCII));
    }
}
