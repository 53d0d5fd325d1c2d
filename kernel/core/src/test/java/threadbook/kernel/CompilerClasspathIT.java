package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernel;

/**
 * The notebook's code compiles against what its Java process runs with, not against the kernel's own
 * libraries: a class only the kernel has is a compile error naming it, not a NoClassDefFoundError later.
 */
class CompilerClasspathIT extends SharedKernel {

    @Test
    void theKernelsLibrariesAreNotOnTheNotebooksClassPath() {
        KernelClient.Execution e = client.execute("com.google.gson.Gson g = null;\nSystem.out.println(\"compiled\");");
        assertEquals("error", e.status(), e.stdout());
        assertTrue(e.stdout().isEmpty(), "it ran: " + e.stdout());
        String evalue = e.error().contentString("evalue", "") + e.error().content().toString();
        assertTrue(evalue.contains("com.google.gson"), evalue);
        // Threadbook's API, which the Java process has, still compiles and runs.
        assertEquals("class threadbook.api.WorkerPool", client.execute("WorkerPool.class").result());
    }
}
