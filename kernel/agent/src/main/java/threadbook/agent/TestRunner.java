package threadbook.agent;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import threadbook.agent.link.TestOutcome;

/**
 * Runs the JUnit Jupiter tests of a %%test cell with the JUnit Platform Launcher, inside this JVM, and
 * keeps what happened for the kernel to report (extension command "test-report").
 *
 * <p>JUnit is not on this jar's class path (the agent has no third-party dependencies, so a notebook may
 * use any version of anything): it is added at run time by the %%test magic, into JShell's class loader.
 * So everything here goes through reflection on the test class's own loader.
 *
 * <p>Every test gets a default timeout and runs on a thread of its own: a test that hangs, even in a
 * {@code synchronized} block that no interrupt can leave, fails after the timeout instead of holding the
 * cell; the threads of the notebook that are stuck at that moment are kept with their stacks.
 */
public final class TestRunner {
    private TestRunner() {}

    /** One finished test or failed container: what the kernel needs to print it. */
    private static final List<TestOutcome> results = new ArrayList<>();

    /**
     * Runs the tests of {@code testClass}; {@code timeoutSeconds} is the default time a test may take
     * (a test's own {@code @Timeout} wins).
     */
    public static void run(Class<?> testClass, long timeoutSeconds) throws Exception {
        synchronized (results) {
            results.clear();
        }
        ClassLoader loader = testClass.getClassLoader();
        Class<?> selectors = Class.forName("org.junit.platform.engine.discovery.DiscoverySelectors", true, loader);
        Object selector = selectors.getMethod("selectClass", Class.class).invoke(null, testClass);
        Class<?> builderType = Class.forName("org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder", true, loader);
        Object builder = builderType.getMethod("request").invoke(null);
        builder = builderType.getMethod("selectors", List.class).invoke(builder, List.of(selector));
        Method parameter = builderType.getMethod("configurationParameter", String.class, String.class);
        parameter.invoke(builder, "junit.jupiter.execution.timeout.default", timeoutSeconds + " s");
        // A separate thread per test: the cell's thread stays free to report, whatever the test does.
        parameter.invoke(builder, "junit.jupiter.execution.timeout.thread.mode.default", "SEPARATE_THREAD");
        // The notebook's output is the report: no JUnit banner or extension auto-detection surprises.
        parameter.invoke(builder, "junit.platform.output.capture.stdout", "false");
        Object request = builderType.getMethod("build").invoke(builder);

        Class<?> listenerType = Class.forName("org.junit.platform.launcher.TestExecutionListener", true, loader);
        Object listener = Proxy.newProxyInstance(loader, new Class<?>[] {listenerType}, new Listener());
        Object listeners = java.lang.reflect.Array.newInstance(listenerType, 1);
        java.lang.reflect.Array.set(listeners, 0, listener);

        Class<?> factory = Class.forName("org.junit.platform.launcher.core.LauncherFactory", true, loader);
        Object launcher = factory.getMethod("create").invoke(null);
        Class<?> requestType = Class.forName("org.junit.platform.launcher.LauncherDiscoveryRequest", true, loader);
        Class<?> launcherType = Class.forName("org.junit.platform.launcher.Launcher", true, loader);
        try {
            launcherType.getMethod("execute", requestType, listeners.getClass()).invoke(launcher, request, listeners);
        } catch (java.lang.reflect.InvocationTargetException e) {
            throw e.getCause() instanceof Exception cause ? cause : e;
        }
    }

    /** What the last run found, one outcome per finished test or failed container. */
    static java.util.List<TestOutcome> report() {
        synchronized (results) {
            return new java.util.ArrayList<>(results);
        }
    }

    /** Receives the launcher's events (a dynamic proxy of TestExecutionListener: JUnit's types are not ours). */
    private static final class Listener implements InvocationHandler {
        private final Map<String, String> names = new ConcurrentHashMap<>();
        private final Map<String, Long> started = new ConcurrentHashMap<>();

        @Override
        public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
            switch (method.getName()) {
                case "executionStarted": {
                    Object id = args[0];
                    if (fromMethod(id)) {
                        // A method's container (@RepeatedTest, @ParameterizedTest): its cases are named after it.
                        names.put(uniqueId(id), displayName(id));
                    }
                    started.put(uniqueId(id), System.nanoTime());
                    return null;
                }
                case "executionSkipped": {
                    Object id = args[0];
                    add(id, "SKIPPED", String.valueOf(args[1]), null, List.of(), 0);
                    return null;
                }
                case "executionFinished": {
                    Object id = args[0];
                    Object result = args[1];
                    String status = String.valueOf(result.getClass().getMethod("getStatus").invoke(result));
                    Optional<?> thrown = (Optional<?>) result.getClass().getMethod("getThrowable").invoke(result);
                    Throwable t = (Throwable) thrown.orElse(null);
                    boolean test = (Boolean) id.getClass().getMethod("isTest").invoke(id);
                    if (!test && "SUCCESSFUL".equals(status)) {
                        return null; // a container that ran: its tests speak for it
                    }
                    List<threadbook.agent.link.StuckThread> stuck = t != null && isTimeout(t) ? LockReport.stuckThreads() : List.of();
                    Long begin = started.get(uniqueId(id));
                    long millis = begin == null ? 0 : (System.nanoTime() - begin) / 1_000_000;
                    add(id, status, null, t, stuck, millis);
                    return null;
                }
                case "hashCode":
                    return System.identityHashCode(proxy);
                case "equals":
                    return proxy == args[0];
                case "toString":
                    return "threadbook test listener";
                default:
                    return null; // the listener's other events (plan started, reporting entries) are not reported
            }
        }

        private void add(Object id, String status, String reason, Throwable t, List<threadbook.agent.link.StuckThread> stuck,
                         long millis) throws Exception {
            boolean test = (Boolean) id.getClass().getMethod("isTest").invoke(id);
            Optional<?> parent = (Optional<?>) id.getClass().getMethod("getParentId").invoke(id);
            String parentName = parent.map(p -> names.getOrDefault(String.valueOf(p), "")).orElse("");
            String message = reason != null ? reason : t == null ? "" : String.valueOf(t.getMessage());
            // Frames as the JVM names them: the kernel maps the notebook's to cell lines. The module and class
            // loader names are dropped, which the kernel does not read (and JShell's loader name is none of its business).
            List<StackTraceElement> frames = new ArrayList<>();
            if (t != null) {
                for (StackTraceElement f : t.getStackTrace()) {
                    frames.add(new StackTraceElement(f.getClassName(), f.getMethodName(), f.getFileName(), f.getLineNumber()));
                }
            }
            TestOutcome outcome = new TestOutcome(test, displayName(id), parentName, status, message,
                    t == null ? "" : t.getClass().getName(), frames, stuck, millis);
            synchronized (results) {
                results.add(outcome);
            }
        }

        private static boolean fromMethod(Object id) throws Exception {
            Optional<?> source = (Optional<?>) id.getClass().getMethod("getSource").invoke(id);
            return source.map(x -> x.getClass().getSimpleName().equals("MethodSource")).orElse(false);
        }

        private static String uniqueId(Object id) throws Exception {
            return String.valueOf(id.getClass().getMethod("getUniqueId").invoke(id));
        }

        private static String displayName(Object id) throws Exception {
            return String.valueOf(id.getClass().getMethod("getDisplayName").invoke(id));
        }

        /** JUnit's preemptive timeouts throw java.util.concurrent.TimeoutException or an AssertionFailedError saying so. */
        private static boolean isTimeout(Throwable t) {
            for (Throwable c = t; c != null; c = c.getCause()) {
                if (c instanceof java.util.concurrent.TimeoutException
                        || String.valueOf(c.getMessage()).contains("timed out after")) {
                    return true;
                }
            }
            return false;
        }
    }
}
