package threadbook.workers;

import java.util.Map;

/** Defines the notebook's classes in a worker JVM from the bytes the agent sent. */
final class SnippetLoader extends ClassLoader {
    private final Map<String, byte[]> classes;

    SnippetLoader(Map<String, byte[]> classes, ClassLoader parent) {
        super("threadbook-snippets", parent);
        this.classes = classes;
    }

    @Override
    protected Class<?> findClass(String name) throws ClassNotFoundException {
        byte[] bytes = classes.get(name);
        if (bytes == null) {
            throw new ClassNotFoundException(name);
        }
        return defineClass(name, bytes, 0, bytes.length);
    }
}
