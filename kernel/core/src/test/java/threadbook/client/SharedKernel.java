package threadbook.client;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;

/** One real kernel and a client for all the tests of a class (each class gets its own kernel). */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class SharedKernel {
    protected KernelProcess kernel;
    protected KernelClient client;

    /** Extra environment for the kernel, e.g. THREADBOOK_AGENT_OPTS. */
    protected Map<String, String> environment() {
        return Map.of();
    }

    @BeforeAll
    void startKernel() throws Exception {
        kernel = KernelProcess.start(environment());
        client = kernel.client();
        client.awaitReady(Duration.ofSeconds(30));
    }

    @AfterAll
    void stopKernel() {
        client.close();
        kernel.close();
    }
}
