package threadbook.workers;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.NotSerializableException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.io.ObjectStreamClass;
import java.nio.charset.StandardCharsets;

/**
 * The little protocol between the agent JVM and a worker JVM, over the worker's stdin and stdout.
 * Every frame is a type byte and its fields; values travel by Java serialization.
 */
final class Frames {
    // agent -> worker
    static final int CLASSES = 1;   // int n, n x (name, bytes): the notebook's classes
    static final int TASK = 2;      // long id, bytes: a serialized task
    static final int SHUTDOWN = 3;
    static final int WARM = 4;      // bytes: a serialized task run once to warm a spare up; no result goes back
    // worker -> agent
    static final int READY = 10;    // long pid
    static final int OUTPUT = 11;   // byte stream (1 out, 2 err), string text
    static final int RESULT = 12;   // long id, long cpuNanos, bytes: the serialized value
    static final int FAILURE = 13;  // long id, long cpuNanos, string class name, string message, string trace
    static final int WARMED = 14;   // long cpuNanos: the warm-up is done

    private Frames() {}

    /** Serializes a value; one that cannot travel gets an error that names its type and what to do. */
    static byte[] serialize(Object value, String what) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(value);
        } catch (NotSerializableException e) {
            throw new IllegalArgumentException(what + " cannot travel to another process: a " + simpleName(e.getMessage())
                    + " is not Serializable. Values go between processes by Java serialization: declare the type"
                    + " with 'implements java.io.Serializable' (records too), or send plain values (numbers, strings, lists).", e);
        } catch (IOException e) {
            throw new IllegalArgumentException(what + " cannot travel to another process: " + e, e);
        }
        return bytes.toByteArray();
    }

    /** Reads a serialized value, finding classes (the notebook's too) through {@code loader}. */
    static Object deserialize(byte[] bytes, ClassLoader loader) throws IOException, ClassNotFoundException {
        try (ObjectInputStream in = new LoaderObjectInputStream(new ByteArrayInputStream(bytes), loader)) {
            return in.readObject();
        }
    }

    private static String simpleName(String className) {
        if (className == null) {
            return "value";
        }
        String name = className.substring(className.lastIndexOf('.') + 1);
        int dollar = name.lastIndexOf('$');
        // JShell's wrapper classes: REPL.$JShell$12$Cart -> Cart
        return dollar >= 0 && dollar < name.length() - 1 ? name.substring(dollar + 1) : name;
    }

    private static final class LoaderObjectInputStream extends ObjectInputStream {
        private final ClassLoader loader;

        LoaderObjectInputStream(InputStream in, ClassLoader loader) throws IOException {
            super(in);
            this.loader = loader;
        }

        @Override
        protected Class<?> resolveClass(ObjectStreamClass desc) throws IOException, ClassNotFoundException {
            try {
                return Class.forName(desc.getName(), false, loader);
            } catch (ClassNotFoundException e) {
                return super.resolveClass(desc);
            }
        }
    }
}
