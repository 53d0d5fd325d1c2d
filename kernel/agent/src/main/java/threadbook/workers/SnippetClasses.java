package threadbook.workers;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The class files of everything the notebook defined (JShell's wrapper classes: methods, records,
 * classes, lambdas), recorded as JShell loads them into the agent, to be shipped to worker JVMs. Also
 * the class path entries added at run time (e.g. by %maven), which workers need too.
 */
public final class SnippetClasses {
    private static final Map<String, byte[]> CLASSES = new LinkedHashMap<>();
    private static final List<String> CLASSPATH = new ArrayList<>();
    private static long version;

    private SnippetClasses() {}

    public static void record(jdk.jshell.spi.ExecutionControl.ClassBytecodes[] classes) {
        synchronized (SnippetClasses.class) {
            for (jdk.jshell.spi.ExecutionControl.ClassBytecodes c : classes) {
                CLASSES.put(c.name(), c.bytecodes());
            }
            version++;
        }
        // Outside this class's lock: Spares takes its own lock, and then this one, to ship the classes.
        Spares.classesChanged();
    }

    public static void addClasspath(String path) {
        synchronized (SnippetClasses.class) {
            CLASSPATH.add(path);
            version++;
        }
        Spares.classesChanged();
    }

    /** The names of the classes recorded so far, in the order they were first loaded. */
    public static synchronized List<String> names() {
        return new ArrayList<>(CLASSES.keySet());
    }

    static synchronized long version() {
        return version;
    }

    static synchronized Map<String, byte[]> classes() {
        return new LinkedHashMap<>(CLASSES);
    }

    static synchronized List<String> classpath() {
        return new ArrayList<>(CLASSPATH);
    }
}
