package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.SharedKernel;

/** %maven against Maven Central (reachable here), end to end, in the session and in worker processes. */
class DependenciesIT extends SharedKernel {

    @Test
    void mavenAddsAnArtifactToTheSessionAndToWorkers() {
        KernelClient.Execution added = client.execute("%maven org.apache.commons:commons-lang3:3.14.0", Duration.ofSeconds(120));
        assertEquals("ok", added.status(), String.valueOf(added.error()));
        assertTrue(added.stdout().contains("commons-lang3-3.14.0.jar"), added.stdout());
        assertEquals("\"cba\"", client.execute("org.apache.commons.lang3.StringUtils.reverse(\"abc\")").result());
        KernelClient.Execution inWorker = client.execute("try (var pool = new WorkerPool(1)) {"
                + " System.out.println(pool.map(s -> org.apache.commons.lang3.StringUtils.capitalize(s), List.of(\"worker\"))); }",
                Duration.ofSeconds(60));
        assertEquals("[Worker]\n", inWorker.stdout(), String.valueOf(inWorker.error()));
    }

    @Test
    void aBadCoordinateSaysSoAndLeavesTheSessionAsItWas() {
        client.execute("int before = 7;");
        KernelClient.Execution missing = client.execute("%maven org.threadbook.nothing:not-here:1.0", Duration.ofSeconds(120));
        assertEquals("error", missing.status());
        assertEquals("DependencyError", missing.error().contentString("ename", ""));
        assertTrue(missing.error().contentString("evalue", "").contains("not-here"), missing.error().content().toString());
        KernelClient.Execution malformed = client.execute("%maven just-a-name");
        assertTrue(malformed.error().contentString("evalue", "").contains("group:artifact:version"));
        assertEquals("7", client.execute("before").result());
    }

    @Test
    void userCodeCanUseAnotherGsonThanTheKernels() {
        client.execute("%maven com.google.code.gson:gson:2.8.9", Duration.ofSeconds(120));
        String where = client.execute("com.google.gson.Gson.class.getProtectionDomain().getCodeSource().getLocation().toString()").result();
        assertTrue(where.contains("gson-2.8.9.jar"), where);
        assertEquals("\"{\\\"a\\\":1}\"", client.execute("new com.google.gson.Gson().toJson(Map.of(\"a\", 1))").result());
    }
}
