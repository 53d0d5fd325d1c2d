package threadbook.client;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;

/** The widget tests' fixture: one kernel for the class (see {@link SharedKernel}), and a fresh frontend per test. */
public abstract class SharedKernelWithFrontend extends SharedKernel {
    protected static final Duration WAIT = CommFrontend.WAIT;
    protected CommFrontend frontend;

    /** Each check looks at its own messages only (the kernel is shared by them all). */
    @BeforeEach
    void newFrontend() {
        frontend = new CommFrontend(client);
    }
}
