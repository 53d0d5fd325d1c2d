package threadbook.remote;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AgentLimitsTest {

    @Test
    void sizesInTheUnitsInstallShTakes() {
        assertEquals(8L << 20, AgentLimits.size(Map.of("X", "8m"), "X"));
        assertEquals(512L << 10, AgentLimits.size(Map.of("X", "512K"), "X"));
        assertEquals(2L << 30, AgentLimits.size(Map.of("X", "2g"), "X"));
        assertEquals(2L << 30, AgentLimits.size(Map.of("X", "2GiB"), "X"));
        assertEquals(4096, AgentLimits.size(Map.of("X", "4096"), "X"));
    }

    @Test
    void anUnreadableOrTinySizeLeavesTheDefault() {
        assertEquals(-1, AgentLimits.size(Map.of(), "X"));
        assertEquals(-1, AgentLimits.size(Map.of("X", "lots"), "X"));
        assertEquals(-1, AgentLimits.size(Map.of("X", "-5m"), "X"));
        assertEquals(-1, AgentLimits.size(Map.of("X", "100"), "X"), "under 1k: a typo, not a limit");
    }

    @Test
    void heapAndOutputBecomeAgentOptions() {
        assertEquals(List.of("-Xmx1048576k", "-Dthreadbook.output.cap=65536"),
                AgentLimits.agentOptions(Map.of("THREADBOOK_MAX_HEAP", "1g", "THREADBOOK_MAX_OUTPUT", "64k")));
        assertEquals(List.of(), AgentLimits.agentOptions(Map.of()));
    }
}
