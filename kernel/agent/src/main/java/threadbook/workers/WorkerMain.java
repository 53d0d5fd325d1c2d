package threadbook.workers;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * A worker process: a JVM of its own that runs functions defined in the notebook. It reads tasks on
 * stdin and answers on stdout; what the tasks print goes to the agent as output frames, which label
 * each line with the worker. When stdin closes (the agent is gone) the worker ends.
 */
public final class WorkerMain {
    private static DataOutputStream out;
    private static final Map<String, byte[]> classes = new HashMap<>();
    private static ClassLoader loader = WorkerMain.class.getClassLoader();
    private static boolean classesChanged;

    private WorkerMain() {}

    public static void main(String[] args) throws Exception {
        watchAgent();
        out = new DataOutputStream(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16));
        DataInputStream in = new DataInputStream(new BufferedInputStream(new FileInputStream(FileDescriptor.in), 1 << 16));
        System.setOut(new PrintStream(new FrameOutput(1), true, StandardCharsets.UTF_8));
        System.setErr(new PrintStream(new FrameOutput(2), true, StandardCharsets.UTF_8));
        send(o -> {
            o.writeByte(Frames.READY);
            o.writeLong(ProcessHandle.current().pid());
        });
        try {
            while (true) {
                int type = in.readUnsignedByte();
                switch (type) {
                    case Frames.CLASSES:
                        readClasses(in);
                        break;
                    case Frames.TASK:
                        long id = in.readLong();
                        byte[] task = WireStrings.readBytes(in);
                        run(id, task);
                        break;
                    case Frames.WARM:
                        warmUp(WireStrings.readBytes(in));
                        break;
                    case Frames.SHUTDOWN:
                        System.out.flush();
                        System.err.flush();
                        Runtime.getRuntime().halt(0);
                        break;
                    default:
                        throw new IOException("unknown frame " + type);
                }
            }
        } catch (EOFException agentGone) {
            Runtime.getRuntime().halt(0);
        }
    }

    /**
     * Ends this JVM as soon as the agent that started it is gone, however it ended (kill -9 included), also
     * while a task runs and nothing reads stdin (an end of stdin ends an idle worker too). Its parent's pid
     * changes when the agent dies (the orphan is handed to init or a subreaper), which no pid reuse can undo.
     * First thing in main: a worker whose agent died while it was booting ends when it is up, not never.
     */
    private static void watchAgent() {
        long agent = Long.getLong(WorkerOptions.AGENT_PID, -1);
        Thread t = new Thread(() -> {
            while (true) {
                long parent = ProcessHandle.current().parent().map(ProcessHandle::pid).orElse(-1L);
                if (parent != agent) {
                    Runtime.getRuntime().halt(0);
                }
                try {
                    Thread.sleep(200);
                } catch (InterruptedException e) {
                    // keep watching: only the agent's end ends this thread
                }
            }
        }, "threadbook-agent-watch");
        t.setDaemon(true);
        t.start();
    }

    private static void readClasses(DataInputStream in) throws IOException {
        int n = in.readInt();
        for (int i = 0; i < n; i++) {
            String name = WireStrings.read(in);
            byte[] bytes = WireStrings.readBytes(in);
            byte[] before = classes.put(name, bytes);
            classesChanged |= before == null || !java.util.Arrays.equals(before, bytes);
        }
        int paths = in.readInt();
        URL[] urls = new URL[paths];
        for (int i = 0; i < paths; i++) {
            urls[i] = Path.of(WireStrings.read(in)).toUri().toURL();
        }
        if (classesChanged || paths > 0) {
            // A redefined class needs a new loader: a class, once defined, cannot change in its loader.
            ClassLoader parent = paths > 0 ? new URLClassLoader(urls, WorkerMain.class.getClassLoader())
                    : WorkerMain.class.getClassLoader();
            loader = new SnippetLoader(new HashMap<>(classes), parent);
            classesChanged = false;
        }
    }

    /**
     * A spare's warm-up, while no cell waits: defines the notebook's classes shipped so far and runs a task
     * through the same steps as a real one (reading the lambda, running it, serializing its value), so the
     * first real task finds that code loaded and linked. Its output is thrown away; only the CPU used goes back.
     */
    private static void warmUp(byte[] taskBytes) throws IOException {
        for (String name : classes.keySet()) {
            try {
                Class.forName(name, false, loader);
            } catch (Throwable unusable) {
                // a class of a snippet that no longer compiles: a task would not use it either
            }
        }
        PrintStream out = System.out;
        try {
            System.setOut(new PrintStream(OutputStream.nullOutputStream(), true, StandardCharsets.UTF_8));
            Thread.currentThread().setContextClassLoader(loader);
            Callable<?> task = (Callable<?>) Frames.deserialize(taskBytes, loader);
            Frames.serialize(task.call(), "the warm-up's result");
        } catch (Exception warmUpFailed) {
            // only a warm-up: the real task will report whatever is wrong
        } finally {
            System.setOut(out);
        }
        long cpu = cpuNanos();
        send(o -> {
            o.writeByte(Frames.WARMED);
            o.writeLong(cpu);
        });
    }

    private static void run(long id, byte[] taskBytes) throws IOException {
        Object value;
        try {
            Thread.currentThread().setContextClassLoader(loader);
            Callable<?> task = (Callable<?>) Frames.deserialize(taskBytes, loader);
            value = task.call();
        } catch (Throwable t) {
            Throwable shown = t instanceof java.lang.reflect.InvocationTargetException ? t.getCause() : t;
            sendFailure(id, shown.getClass().getName(), String.valueOf(shown.getMessage()), userTrace(shown));
            return;
        }
        byte[] result;
        try {
            result = Frames.serialize(value, "the result");
        } catch (IllegalArgumentException e) {
            sendFailure(id, "java.io.NotSerializableException", e.getMessage(), "");
            return;
        }
        long cpu = flushAndReadCpu();
        send(o -> {
            o.writeByte(Frames.RESULT);
            o.writeLong(id);
            o.writeLong(cpu);
            WireStrings.writeBytes(o, result);
        });
    }

    private static void sendFailure(long id, String exceptionClass, String message, String trace) throws IOException {
        long cpu = flushAndReadCpu();
        send(o -> {
            o.writeByte(Frames.FAILURE);
            o.writeLong(id);
            o.writeLong(cpu);
            WireStrings.write(o, exceptionClass);
            WireStrings.write(o, message);
            WireStrings.write(o, trace);
        });
    }

    /** What the task printed goes out before its result; then the CPU time it used so far. */
    private static long flushAndReadCpu() {
        System.out.flush();
        System.err.flush();
        return cpuNanos();
    }

    /** The stack trace down to the user's code: the worker's own machinery below it says nothing. */
    static String userTrace(Throwable t) {
        StringBuilder out = new StringBuilder();
        for (Throwable current = t; current != null; current = current.getCause()) {
            out.append(current == t ? "" : "Caused by: ").append(current).append('\n');
            for (StackTraceElement frame : current.getStackTrace()) {
                String cls = frame.getClassName();
                if (cls.startsWith("threadbook.workers.") || cls.startsWith("jdk.internal.reflect.")) {
                    break;
                }
                out.append("\tat ").append(frame.toString().replace("threadbook-snippets//", "")).append('\n');
            }
            if (current.getCause() == current) {
                break;
            }
        }
        return out.toString();
    }

    static long cpuNanos() {
        java.lang.management.OperatingSystemMXBean os = java.lang.management.ManagementFactory.getOperatingSystemMXBean();
        return os instanceof com.sun.management.OperatingSystemMXBean sun ? sun.getProcessCpuTime() : 0;
    }

    private interface FrameWriter {
        void write(DataOutputStream out) throws IOException;
    }

    private static void send(FrameWriter frame) throws IOException {
        synchronized (WorkerMain.class) {
            frame.write(out);
            out.flush();
        }
    }

    /** System.out and System.err of the worker: every write becomes an output frame for the agent. */
    private static final class FrameOutput extends OutputStream {
        private final int stream;

        FrameOutput(int stream) {
            this.stream = stream;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            String text = new String(b, off, len, StandardCharsets.UTF_8);
            send(o -> {
                o.writeByte(Frames.OUTPUT);
                o.writeByte(stream);
                WireStrings.write(o, text);
            });
        }
    }
}
