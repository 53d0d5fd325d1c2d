package threadbook.agent;

import java.io.File;
import java.net.MalformedURLException;
import java.net.URL;
import java.net.URLClassLoader;
import java.util.ArrayList;
import java.util.List;

/**
 * The system class loader of a Java process started with jars that must be there from its start
 * ({@code -Djava.system.class.loader=threadbook.agent.StartupJarsLoader -Dthreadbook.startup.jars=PATHS}).
 *
 * <p>Lincheck is such a library: it rewrites classes as they load, and its own classes, loaded later by
 * JShell's loader, were rewritten while they loaded (a ClassCircularityError). Here they are loaded by the
 * system loader, before any cell. But Lincheck also finds the classes it explores by name with
 * {@code Class.forName} from its own classes, and the notebook's classes live in JShell's loader, a child of
 * this one: so this loader asks the notebook's loader (see {@link #notebookLoader}) for a class it lacks.
 */
public final class StartupJarsLoader extends URLClassLoader {
    public static final String PROPERTY = "threadbook.startup.jars";

    static {
        registerAsParallelCapable();
    }

    private static volatile ClassLoader notebook;
    /** Set while the notebook's loader is asked: it asks this loader first (its parent), which must not ask back. */
    private static final ThreadLocal<Boolean> asking = ThreadLocal.withInitial(() -> false);

    public StartupJarsLoader(ClassLoader parent) {
        super("threadbook-startup", urls(System.getProperty(PROPERTY, "")), parent);
    }

    private static URL[] urls(String paths) {
        List<URL> urls = new ArrayList<>();
        for (String p : paths.split(File.pathSeparator)) {
            if (!p.isEmpty()) {
                try {
                    urls.add(new File(p).toURI().toURL());
                } catch (MalformedURLException e) {
                    throw new IllegalArgumentException("not a path: " + p, e);
                }
            }
        }
        return urls.toArray(new URL[0]);
    }

    /** The loader of the notebook's classes (JShell's), once known: the agent tells it as it loads the first. */
    static void notebookLoader(ClassLoader loader) {
        if (ClassLoader.getSystemClassLoader() instanceof StartupJarsLoader && loader != null) {
            notebook = loader;
        }
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        try {
            return super.findClass(name);
        } catch (ClassNotFoundException notInTheJars) {
            ClassLoader n = notebook;
            if (n == null || asking.get()) {
                throw notInTheJars;
            }
            asking.set(true);
            try {
                return n.loadClass(name);
            } finally {
                asking.set(false);
            }
        }
    }

    /** JDK agents started on this JVM's class path find their jars here (the JVM asks for this method). */
    @SuppressWarnings("unused")
    private void appendToClassPathForInstrumentation(String path) throws MalformedURLException {
        addURL(new File(path).toURI().toURL());
    }
}
