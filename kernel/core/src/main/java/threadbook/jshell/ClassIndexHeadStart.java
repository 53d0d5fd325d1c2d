package threadbook.jshell;

import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import jdk.jshell.JShell;

/**
 * Lists the JDK's classes for JShell's completion beside the session's first compiles instead of after
 * them. JShell pauses its class index while it evaluates (the startup imports, the warm-up), so the
 * session's own JShell would list them only after those, some 300-450 ms on the way to ready. JShell
 * keeps what it listed per path for the whole JVM, though: a second JShell, which evaluates nothing,
 * lists it meanwhile, and the session's index then finds it done. (Should a JDK drop that cache, the
 * session's JShell lists the classes itself: slower, never wrong.)
 */
final class ClassIndexHeadStart implements AutoCloseable {
    /** JShell's cache lives as long as the JVM: a restarted session finds the classes listed already. */
    private static final java.util.concurrent.atomic.AtomicBoolean STARTED = new java.util.concurrent.atomic.AtomicBoolean();

    private final JShell indexer;

    private ClassIndexHeadStart(JShell indexer) {
        this.indexer = indexer;
    }

    /**
     * Starts the listing; null after the JVM's first session, or if the helper JShell cannot be made (the
     * session then lists on its own).
     */
    static ClassIndexHeadStart start(String[] compilerOptions) {
        if (!STARTED.compareAndSet(false, true)) {
            return null;
        }
        PrintStream nowhere = new PrintStream(OutputStream.nullOutputStream());
        try {
            // The in-process engine: no JVM to start; nothing is ever evaluated in this JShell.
            JShell indexer = JShell.builder().executionEngine("local").in(InputStream.nullInputStream())
                    .out(nowhere).err(nowhere).compilerOptions(compilerOptions).build();
            indexer.sourceCodeAnalysis();
            return new ClassIndexHeadStart(indexer);
        } catch (RuntimeException e) {
            return null;
        }
    }

    @Override
    public void close() {
        indexer.close();
    }
}
