package threadbook.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.protocol.Message;

/**
 * The debugger's protocol over real sockets, as JupyterLab drives it: debug_request on control,
 * debug_event on iopub, a real cell stopped at a breakpoint in a real agent JVM. (DebuggerIT is the port
 * of ipykernel's test sequence; these are the backend's own checks.)
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DebugProtocolIT {
    private static final Duration LONG = Duration.ofSeconds(60);

    /**
     * One kernel for the tests that leave it as they found it: each test has its own client (no event of
     * another test reaches it) and its own cells. Tests that interrupt, restart, exit, deadlock or time
     * the kernel start their own.
     */
    private static KernelProcess shared;

    private static KernelClient sharedClient() throws java.io.IOException {
        if (shared == null) {
            shared = KernelProcess.start();
        }
        KernelClient c = shared.client();
        c.awaitReady(LONG);
        return c;
    }

    @AfterAll
    static void stopShared() {
        if (shared != null) {
            shared.close();
        }
    }

    private int seq;
    private final List<JsonObject> events = new ArrayList<>();

    private JsonObject debug(KernelClient c, String command, JsonObject arguments) {
        JsonObject content = new JsonObject();
        content.addProperty("type", "request");
        content.addProperty("seq", ++seq);
        content.addProperty("command", command);
        content.add("arguments", arguments == null ? new JsonObject() : arguments);
        String id = c.send(c.control, "debug_request", content);
        Message reply = c.reply(c.control, id, LONG);
        assertEquals("debug_reply", reply.type());
        JsonObject r = reply.content();
        assertEquals(command, r.get("command").getAsString(), r.toString());
        assertEquals(seq, r.get("request_seq").getAsInt(), r.toString());
        return r;
    }

    private JsonObject ok(KernelClient c, String command, JsonObject arguments) {
        JsonObject r = debug(c, command, arguments);
        assertTrue(r.get("success").getAsBoolean(), command + " failed: " + r);
        return r.getAsJsonObject("body");
    }

    private static JsonObject json(String text) {
        return JsonParser.parseString(text).getAsJsonObject();
    }

    /** The next debug_event named {@code name} on iopub (earlier ones of other names are kept). */
    private JsonObject awaitEvent(KernelClient c, String name) {
        long deadline = System.nanoTime() + LONG.toNanos();
        while (System.nanoTime() < deadline) {
            for (int i = 0; i < events.size(); i++) {
                if (events.get(i).get("event").getAsString().equals(name)) {
                    return events.remove(i);
                }
            }
            for (Message m : c.iopubFor(Duration.ofMillis(200))) {
                if (m.type().equals("debug_event")) {
                    events.add(m.content());
                }
            }
        }
        throw new AssertionError("no '" + name + "' debug_event within " + LONG + "; saw " + events);
    }

    private void start(KernelClient c) {
        JsonObject init = ok(c, "initialize", json("{\"clientID\":\"test\",\"adapterID\":\"\",\"pathFormat\":\"path\","
                + "\"linesStartAt1\":true,\"columnsStartAt1\":true,\"locale\":\"en\"}"));
        assertTrue(init.get("supportsConfigurationDoneRequest").getAsBoolean());
        ok(c, "attach", null);
        awaitEvent(c, "initialized");
    }

    private String breakpoint(KernelClient c, String code, int line) {
        JsonObject args = new JsonObject();
        args.addProperty("code", code);
        String path = ok(c, "dumpCell", args).get("sourcePath").getAsString();
        JsonObject bp = ok(c, "setBreakpoints", json("{\"breakpoints\":[{\"line\":" + line + "}],\"source\":{\"path\":\""
                + path.replace("\\", "\\\\") + "\"},\"sourceModified\":false}"));
        JsonObject first = bp.getAsJsonArray("breakpoints").get(0).getAsJsonObject();
        assertTrue(first.get("verified").getAsBoolean(), bp.toString());
        assertEquals(path, first.getAsJsonObject("source").get("path").getAsString());
        return path;
    }

    private static JsonObject named(JsonArray list, String name) {
        for (JsonElement e : list) {
            if (e.getAsJsonObject().get("name").getAsString().equals(name)) {
                return e.getAsJsonObject();
            }
        }
        throw new AssertionError("no '" + name + "' in " + list);
    }

    private JsonArray variables(KernelClient c, int reference) {
        return ok(c, "variables", json("{\"variablesReference\":" + reference + "}")).getAsJsonArray("variables");
    }

    @Test
    @Order(1)
    void kernelInfoAndDebugInfoAnnounceTheDebugger() throws Exception {
        try (KernelClient c = sharedClient()) {
            String id = c.send(c.shell, "kernel_info_request", new JsonObject());
            assertTrue(c.reply(c.shell, id, LONG).content().get("debugger").getAsBoolean());

            JsonObject content = json("{\"type\":\"request\",\"seq\":1,\"command\":\"debugInfo\",\"arguments\":{}}");
            String infoId = c.send(c.control, "debug_request", content);
            JsonObject info = c.reply(c.control, infoId, LONG).content().getAsJsonObject("body");
            // Like any request: busy, then idle, with the request as parent (JupyterLab waits for that idle).
            List<String> states = new ArrayList<>();
            for (Message m : c.iopubUntilIdle(infoId, LONG)) {
                if (m.type().equals("status")) {
                    states.add(m.contentString("execution_state", ""));
                }
            }
            assertEquals(List.of("busy", "idle"), states);
            assertFalse(info.get("isStarted").getAsBoolean());
            assertEquals("Murmur2", info.get("hashMethod").getAsString());
            String code = "int x = 1;\nSystem.out.println(x);";
            String expected = info.get("tmpFilePrefix").getAsString() + Murmur2.hash(code, info.get("hashSeed").getAsLong())
                    + info.get("tmpFileSuffix").getAsString();
            seq = 1;
            start(c);
            JsonObject args = new JsonObject();
            args.addProperty("code", code);
            assertEquals(expected, ok(c, "dumpCell", args).get("sourcePath").getAsString(),
                    "the path JupyterLab computes from debugInfo is the kernel's");
            assertTrue(ok(c, "debugInfo", null).get("isStarted").getAsBoolean());
            ok(c, "configurationDone", null);
            ok(c, "disconnect", json("{\"restart\":false,\"terminateDebuggee\":true}"));
            assertFalse(ok(c, "debugInfo", null).get("isStarted").getAsBoolean());
        }
    }

    @Test
    void breakpointInTheRunningCellThenStepsAndVariables() throws Exception {
        try (KernelClient c = sharedClient()) {
            start(c);
            String code = "int add(int a, int b) {\n    int c = a + b;\n    return c;\n}\nString greeting = \"hi\";\n"
                    + "int r = add(2, 3);\nSystem.out.println(\"result \" + r);";
            String path = breakpoint(c, code, 2);
            ok(c, "configurationDone", null);
            String exec = c.executeAsync(code);

            JsonObject stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            assertEquals("breakpoint", stopped.get("reason").getAsString());
            int thread = stopped.get("threadId").getAsInt();
            assertEquals(1, thread, "the cell thread is thread 1, as ipykernel's main thread");
            JsonArray threads = ok(c, "threads", null).getAsJsonArray("threads");
            assertEquals("main", threads.get(0).getAsJsonObject().get("name").getAsString(), threads.toString());

            JsonArray frames = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames");
            JsonObject top = frames.get(0).getAsJsonObject();
            assertEquals(2, top.get("line").getAsInt(), frames.toString());
            assertEquals(path, top.getAsJsonObject("source").get("path").getAsString());
            assertEquals("add", top.get("name").getAsString());
            assertEquals(6, frames.get(1).getAsJsonObject().get("line").getAsInt(), "the caller's line: " + frames);

            JsonArray scopes = ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}")).getAsJsonArray("scopes");
            JsonArray locals = variables(c, named(scopes, "Locals").get("variablesReference").getAsInt());
            assertEquals("2", named(locals, "a").get("value").getAsString(), locals.toString());
            assertEquals("3", named(locals, "b").get("value").getAsString());
            JsonArray globals = variables(c, named(scopes, "Globals").get("variablesReference").getAsInt());
            assertEquals("\"hi\"", named(globals, "greeting").get("value").getAsString(), globals.toString());
            JsonArray mine = variables(c, named(scopes, "Thread").get("variablesReference").getAsInt());
            assertTrue(named(mine, "state").get("value").getAsString().contains("breakpoint"), mine.toString());

            JsonObject rich = ok(c, "richInspectVariables", json("{\"variableName\":\"a\",\"frameId\":" + top.get("id").getAsInt() + "}"));
            assertEquals("2", rich.getAsJsonObject("data").get("text/plain").getAsString());
            JsonObject eval = ok(c, "evaluate", json("{\"expression\":\"b\",\"frameId\":" + top.get("id").getAsInt() + ",\"context\":\"watch\"}"));
            assertEquals("3", eval.get("result").getAsString());

            ok(c, "next", json("{\"threadId\":1}"));
            JsonObject stepped = awaitEvent(c, "stopped").getAsJsonObject("body");
            assertEquals("step", stepped.get("reason").getAsString());
            top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertEquals(3, top.get("line").getAsInt());
            JsonArray after = variables(c, named(ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}"))
                    .getAsJsonArray("scopes"), "Locals").get("variablesReference").getAsInt());
            assertEquals("5", named(after, "c").get("value").getAsString(), after.toString());

            ok(c, "stepOut", json("{\"threadId\":1}"));
            assertEquals("step", awaitEvent(c, "stopped").getAsJsonObject("body").get("reason").getAsString());
            top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertEquals(6, top.get("line").getAsInt(), "back in the cell's statement");

            ok(c, "continue", json("{\"threadId\":1}"));
            Message reply = c.reply(c.shell, exec, LONG);
            assertEquals("ok", reply.contentString("status", ""));
            StringBuilder out = new StringBuilder();
            for (Message m : c.iopubUntilIdle(exec, LONG)) {
                if (m.type().equals("stream")) {
                    out.append(m.contentString("text", ""));
                }
            }
            assertEquals("result 5\n", out.toString());

            JsonArray vars = ok(c, "inspectVariables", null).getAsJsonArray("variables");
            assertEquals("5", named(vars, "r").get("value").getAsString(), vars.toString());
            JsonObject richIdle = ok(c, "richInspectVariables", json("{\"variableName\":\"greeting\"}"));
            assertEquals("\"hi\"", richIdle.getAsJsonObject("data").get("text/plain").getAsString());
            assertEquals(code, ok(c, "source", json("{\"source\":{\"path\":\"" + path.replace("\\", "\\\\") + "\"}}"))
                    .get("content").getAsString());
            ok(c, "disconnect", json("{\"restart\":false,\"terminateDebuggee\":true}"));
            assertEquals("ok", c.execute("add(1, 1)").status(), "cells run on after the debugger is off");
        }
    }

    /**
     * The commonest line of a notebook, a variable with an initializer: JShell makes its type and name a
     * field and its initializer a statement some lines further down in its wrapper, so a breakpoint set on
     * the line's first character alone would never stop.
     */
    @Test
    void breakpointOnAVariableDeclarationWithAnInitializerStops() throws Exception {
        try (KernelClient c = sharedClient()) {
            assertEquals("ok", c.execute("int twice(int x) {\n    return 2 * x;\n}").status());
            start(c);
            String code = "int a = 21;\nint r = twice(a);\nvar s = \"r is \" + r;\nSystem.out.println(s);";
            JsonObject args = new JsonObject();
            args.addProperty("code", code);
            String path = ok(c, "dumpCell", args).get("sourcePath").getAsString();
            JsonArray set = ok(c, "setBreakpoints", json("{\"breakpoints\":[{\"line\":2},{\"line\":3}],\"source\":{\"path\":\""
                    + path.replace("\\", "\\\\") + "\"},\"sourceModified\":false}")).getAsJsonArray("breakpoints");
            assertEquals(2, set.size(), set.toString());
            ok(c, "configurationDone", null);
            String exec = c.executeAsync(code);

            assertEquals("breakpoint", awaitEvent(c, "stopped").getAsJsonObject("body").get("reason").getAsString());
            JsonObject top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertEquals(2, top.get("line").getAsInt(), top.toString());
            assertEquals(path, top.getAsJsonObject("source").get("path").getAsString());
            JsonArray globals = variables(c, named(ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}"))
                    .getAsJsonArray("scopes"), "Globals").get("variablesReference").getAsInt());
            assertEquals("21", named(globals, "a").get("value").getAsString(), globals.toString());

            ok(c, "stepIn", json("{\"threadId\":1}"));
            assertEquals("step", awaitEvent(c, "stopped").getAsJsonObject("body").get("reason").getAsString());
            top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertEquals("twice", top.get("name").getAsString(), "stepped into the initializer's call: " + top);

            ok(c, "continue", json("{\"threadId\":1}"));
            assertEquals("breakpoint", awaitEvent(c, "stopped").getAsJsonObject("body").get("reason").getAsString());
            top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertEquals(3, top.get("line").getAsInt(), "a var line stops too: " + top);

            ok(c, "continue", json("{\"threadId\":1}"));
            assertEquals("ok", c.reply(c.shell, exec, LONG).contentString("status", ""));
            StringBuilder out = new StringBuilder();
            for (Message m : c.iopubUntilIdle(exec, LONG)) {
                if (m.type().equals("stream")) {
                    out.append(m.contentString("text", ""));
                }
            }
            assertEquals("r is 42\n", out.toString());
            ok(c, "disconnect", json("{\"restart\":false,\"terminateDebuggee\":true}"));
        }
    }

    @Test
    void richInspectVariablesGivesTheBundleACellWouldShowBetweenCellsAndAtABreakpoint() throws Exception {
        try (KernelClient c = sharedClient()) {
            assertEquals("ok", c.execute("record Badge(String s) implements threadbook.api.Renderable {\n"
                    + "    public java.util.Map<String, String> render() { return java.util.Map.of(\"text/html\", \"<b>\" + s + \"</b>\"); }\n"
                    + "}\nBadge badge = new Badge(\"hi\");\nint plain = 7;").status());
            start(c);
            // Between cells the agent renders it, as it would render the cell's value.
            JsonObject idle = ok(c, "richInspectVariables", json("{\"variableName\":\"badge\"}")).getAsJsonObject("data");
            assertEquals("<b>hi</b>", idle.get("text/html").getAsString(), idle.toString());
            assertTrue(idle.get("text/plain").getAsString().contains("Badge"), idle.toString());
            JsonObject number = ok(c, "richInspectVariables", json("{\"variableName\":\"plain\"}")).getAsJsonObject("data");
            assertEquals(List.of("text/plain"), List.copyOf(number.keySet()), "a plain value has text only");

            // Stopped at a breakpoint the agent waits for the cell: the stopped thread renders it.
            String code = "Badge local = new Badge(\"stop\");\nint here = 1;\nSystem.out.println(local.s() + here);";
            breakpoint(c, code, 3);
            ok(c, "configurationDone", null);
            String exec = c.executeAsync(code);
            int thread = awaitEvent(c, "stopped").getAsJsonObject("body").get("threadId").getAsInt();
            JsonObject top = ok(c, "stackTrace", json("{\"threadId\":" + thread + "}")).getAsJsonArray("stackFrames")
                    .get(0).getAsJsonObject();
            int frame = top.get("id").getAsInt();
            JsonObject stoppedLocal = ok(c, "richInspectVariables", json("{\"variableName\":\"local\",\"frameId\":" + frame + "}"));
            assertEquals("<b>stop</b>", stoppedLocal.getAsJsonObject("data").get("text/html").getAsString(), stoppedLocal.toString());
            JsonObject stoppedGlobal = ok(c, "richInspectVariables", json("{\"variableName\":\"badge\",\"frameId\":" + frame + "}"));
            assertEquals("<b>hi</b>", stoppedGlobal.getAsJsonObject("data").get("text/html").getAsString(), stoppedGlobal.toString());
            // No frame while the cell runs: text only, and the reply says why.
            JsonObject busy = ok(c, "richInspectVariables", json("{\"variableName\":\"badge\"}"));
            assertFalse(busy.getAsJsonObject("data").has("text/html"), busy.toString());
            assertTrue(busy.get("note").getAsString().contains("text only"), busy.toString());

            ok(c, "continue", json("{\"threadId\":" + thread + "}"));
            assertEquals("ok", c.reply(c.shell, exec, LONG).contentString("status", ""));
        }
    }

    @Test
    void breakpointInAnEarlierCellsMethodStopsAnotherThreadOnly() throws Exception {
        try (KernelClient c = sharedClient()) {
            String earlier = "Object lock = new Object();\nint work(int n) {\n    synchronized (lock) {\n        int doubled = n * 2;\n"
                    + "        return doubled;\n    }\n}";
            assertEquals("ok", c.execute(earlier).status());
            start(c);
            breakpoint(c, earlier, 4);
            ok(c, "configurationDone", null);
            String exec = c.executeAsync("Thread worker = new Thread(() -> work(21), \"worker\");\nworker.start();\n"
                    + "Thread.sleep(1500);\nSystem.out.println(\"cell thread ran on: \" + worker.getState());\nworker.join();");
            JsonObject stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            int thread = stopped.get("threadId").getAsInt();
            assertTrue(thread != 1, "the worker thread stopped, not the cell thread: " + stopped);
            assertFalse(stopped.get("allThreadsStopped").getAsBoolean());
            JsonObject top = ok(c, "stackTrace", json("{\"threadId\":" + thread + "}")).getAsJsonArray("stackFrames")
                    .get(0).getAsJsonObject();
            assertEquals(4, top.get("line").getAsInt(), top.toString());
            JsonArray scopes = ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}")).getAsJsonArray("scopes");
            JsonArray mine = variables(c, named(scopes, "Thread").get("variablesReference").getAsInt());
            assertEquals("lock", named(mine, "holds").get("value").getAsString(), "the monitor named by its variable: " + mine);
            // The cell thread is not stopped: it printed meanwhile.
            StringBuilder out = new StringBuilder();
            long deadline = System.nanoTime() + LONG.toNanos();
            while (!out.toString().contains("cell thread ran on") && System.nanoTime() < deadline) {
                for (Message m : c.iopubFor(Duration.ofMillis(200))) {
                    if (m.type().equals("stream")) {
                        out.append(m.contentString("text", ""));
                    } else if (m.type().equals("debug_event")) {
                        events.add(m.content());
                    }
                }
            }
            assertTrue(out.toString().contains("cell thread ran on: RUNNABLE"), out.toString());
            JsonObject single = ok(c, "continue", json("{\"threadId\":" + thread + ",\"singleThread\":true}"));
            assertFalse(single.get("allThreadsContinued").getAsBoolean());
            assertEquals("ok", c.reply(c.shell, exec, LONG).contentString("status", ""));
            // The Callstack panel's thread list follows the program.
            JsonObject started = awaitEvent(c, "thread").getAsJsonObject("body");
            assertEquals("started", started.get("reason").getAsString());
            assertEquals(thread, started.get("threadId").getAsInt());
            JsonObject exited = awaitEvent(c, "thread").getAsJsonObject("body");
            assertEquals("exited", exited.get("reason").getAsString());
            assertEquals(thread, exited.get("threadId").getAsInt());
        }
    }

    @Test
    void pauseNamesTheDeadlockAndItsLocks() throws Exception {
        try (KernelProcess k = KernelProcess.start(); KernelClient c = k.client()) {
            c.awaitReady(LONG);
            start(c);
            String pause = "try { Thread.sleep(300); } catch (InterruptedException e) { }";
            KernelClient.Execution run = c.execute("Object lockA = new Object();\nObject lockB = new Object();\n"
                    + "Thread t1 = new Thread(() -> { synchronized (lockA) { " + pause + " synchronized (lockB) { } } }, \"first\");\n"
                    + "Thread t2 = new Thread(() -> { synchronized (lockB) { " + pause + " synchronized (lockA) { } } }, \"second\");\n"
                    + "t1.start(); t2.start();");
            assertEquals("ok", run.status(), String.valueOf(run.error()));
            // The pause must find the cycle made: the session itself waits until its JVM sees it.
            KernelClient.Execution formed = c.execute("while (java.lang.management.ManagementFactory.getThreadMXBean()"
                    + ".findDeadlockedThreads() == null) { Thread.sleep(20); }", LONG);
            assertEquals("ok", formed.status(), String.valueOf(formed.error()));
            ok(c, "pause", json("{\"threadId\":1}"));
            JsonObject stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            assertEquals("pause", stopped.get("reason").getAsString());
            String description = stopped.get("description").getAsString();
            assertTrue(description.contains("Deadlock") && description.contains("lockA") && description.contains("lockB")
                    && description.contains("first") && description.contains("second"), description);
            int thread = stopped.get("threadId").getAsInt();
            JsonObject top = ok(c, "stackTrace", json("{\"threadId\":" + thread + "}")).getAsJsonArray("stackFrames")
                    .get(0).getAsJsonObject();
            JsonArray scopes = ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}")).getAsJsonArray("scopes");
            JsonArray mine = variables(c, named(scopes, "Thread").get("variablesReference").getAsInt());
            assertTrue(named(mine, "state").get("value").getAsString().startsWith("blocked"), mine.toString());
            assertNotNull(named(mine, "waits for"));
            JsonArray all = variables(c, named(scopes, "Threads").get("variablesReference").getAsInt());
            assertTrue(named(all, "first").get("value").getAsString().contains("holds lockA"), all.toString());
            ok(c, "continue", json("{\"threadId\":" + thread + "}"));
            awaitEvent(c, "continued");
        }
    }

    /** Every line of the cell's output while it runs, until {@code marker} shows (debug events are kept). */
    private String outputUntil(KernelClient c, String marker) {
        StringBuilder out = new StringBuilder();
        long deadline = System.nanoTime() + LONG.toNanos();
        while (!out.toString().contains(marker) && System.nanoTime() < deadline) {
            for (Message m : c.iopubFor(Duration.ofMillis(200))) {
                if (m.type().equals("stream")) {
                    out.append(m.contentString("text", ""));
                } else if (m.type().equals("debug_event")) {
                    events.add(m.content());
                }
            }
        }
        return out.toString();
    }

    private JsonObject topFrame(KernelClient c, int thread) {
        return ok(c, "stackTrace", json("{\"threadId\":" + thread + "}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
    }

    @Test
    void mergedStatementsPoolThreadsUncaughtExceptionsAndInterrupt() throws Exception {
        try (KernelProcess k = KernelProcess.start(); KernelClient c = k.client()) {
            c.awaitReady(LONG);
            start(c);
            // Lines 2-6 are plain statements: the kernel runs them as one merged block.
            String merged = "int total = 0;\nfor (int i = 0; i < 3; i++) {\n    total += i;\n}\ntotal += 10;\n"
                    + "System.out.println(\"total \" + total);";
            String path = breakpoint(c, merged, 5);
            ok(c, "configurationDone", null);
            String exec = c.executeAsync(merged);
            assertEquals("breakpoint", awaitEvent(c, "stopped").getAsJsonObject("body").get("reason").getAsString());
            JsonObject top = topFrame(c, 1);
            assertEquals(5, top.get("line").getAsInt(), top.toString());
            assertEquals(path, top.getAsJsonObject("source").get("path").getAsString());
            ok(c, "next", json("{\"threadId\":1}"));
            awaitEvent(c, "stopped");
            assertEquals(6, topFrame(c, 1).get("line").getAsInt());
            ok(c, "continue", json("{\"threadId\":1}"));
            assertEquals("ok", c.reply(c.shell, exec, LONG).contentString("status", ""));

            String pooled = "ExecutorService pool = Executors.newFixedThreadPool(2);\n"
                    + "Future<Integer> f = pool.submit(() -> {\n    int inside = 40 + 2;\n    return inside;\n});\n"
                    + "System.out.println(\"got \" + f.get());";
            breakpoint(c, pooled, 4);
            exec = c.executeAsync(pooled);
            JsonObject stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            int worker = stopped.get("threadId").getAsInt();
            assertTrue(worker != 1, "a pool thread stopped: " + stopped);
            top = topFrame(c, worker);
            assertEquals(4, top.get("line").getAsInt(), top.toString());
            JsonArray locals = variables(c, named(ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}"))
                    .getAsJsonArray("scopes"), "Locals").get("variablesReference").getAsInt());
            assertEquals("42", named(locals, "inside").get("value").getAsString());
            // JupyterLab drops the thread it shows before it sends continue: it names thread 1, still running.
            assertTrue(ok(c, "continue", json("{\"threadId\":1}")).get("allThreadsContinued").getAsBoolean());
            assertTrue(outputUntil(c, "got 42").contains("got 42"));
            assertEquals("ok", c.reply(c.shell, exec, LONG).contentString("status", ""));

            // An exception no notebook code catches stops the thread that threw it.
            ok(c, "setExceptionBreakpoints", json("{\"filters\":[\"uncaught\"]}"));
            exec = c.executeAsync("int[] none = new int[0];\nint boom = none[1];");
            stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            assertEquals("exception", stopped.get("reason").getAsString());
            assertTrue(stopped.get("description").getAsString().contains("ArrayIndexOutOfBounds"), stopped.toString());
            assertEquals(2, topFrame(c, stopped.get("threadId").getAsInt()).get("line").getAsInt());
            ok(c, "continue", json("{\"threadId\":" + stopped.get("threadId").getAsInt() + "}"));
            assertEquals("error", c.reply(c.shell, exec, LONG).contentString("status", ""));
            // Thrown inside a JDK method, in a thread the cell started: it stops there too.
            exec = c.executeAsync("Thread parser = new Thread(() -> Integer.parseInt(\"x\"), \"parser\");\nparser.start();\nparser.join();");
            stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            assertEquals("exception", stopped.get("reason").getAsString());
            assertTrue(stopped.get("description").getAsString().contains("NumberFormatException"), stopped.toString());
            int parser = stopped.get("threadId").getAsInt();
            assertTrue(parser != 1, "the thread the cell started stopped: " + stopped);
            JsonArray parserFrames = ok(c, "stackTrace", json("{\"threadId\":" + parser + "}")).getAsJsonArray("stackFrames");
            boolean cellLine = false;
            for (JsonElement f : parserFrames) {
                cellLine |= f.getAsJsonObject().get("name").getAsString().equals("lambda") && f.getAsJsonObject().get("line").getAsInt() == 1;
            }
            assertTrue(cellLine, "the cell's lambda (line 1) is on the stopped thread's stack: " + parserFrames);
            ok(c, "continue", json("{\"threadId\":" + parser + "}"));
            assertEquals("ok", c.reply(c.shell, exec, LONG).contentString("status", ""));
            // Caught by the notebook's code, even when a JDK method threw it: no stop.
            KernelClient.Execution caught = c.execute("try {\n    Integer.parseInt(\"y\");\n} catch (NumberFormatException e) {\n"
                    + "    System.out.println(\"caught\");\n}", LONG);
            assertEquals("caught\n", caught.stdout());
            ok(c, "setExceptionBreakpoints", json("{\"filters\":[]}"));

            // ■ while a cell is held at a breakpoint: the cell ends, interrupted; the session lives on.
            String loop = "long spins = 0;\nwhile (true) {\n    spins++;\n}";
            breakpoint(c, loop, 3);
            exec = c.executeAsync(loop);
            assertEquals("breakpoint", awaitEvent(c, "stopped").getAsJsonObject("body").get("reason").getAsString());
            c.send(c.control, "interrupt_request", new JsonObject());
            Message reply = c.reply(c.shell, exec, LONG);
            assertEquals("error", reply.contentString("status", ""));
            awaitEvent(c, "continued");
            KernelClient.Execution after = c.execute("System.out.println(\"still here \" + total);");
            assertEquals("still here 13\n", after.stdout(), "the same session, its variables kept");
        }
    }

    @Test
    void virtualThreadStopsInAnEarlierCellsMethodAndRestartEndsTheSession() throws Exception {
        Path jdk = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
        assertTrue(Files.isExecutable(jdk.resolve("bin/java")), "this test needs a JDK 21+ (virtual threads) at " + jdk);
        try (KernelProcess k = KernelProcess.start(jdk, java.util.UUID.randomUUID().toString(), java.util.Map.of());
             KernelClient c = k.client()) {
            c.awaitReady(LONG);
            String earlier = "String label(int n) {\n    String text = \"n=\" + n;\n    return text;\n}";
            assertEquals("ok", c.execute(earlier).status());
            start(c);
            breakpoint(c, earlier, 3);
            String exec = c.executeAsync("Thread v = Thread.ofVirtual().start(() -> System.out.println(label(7)));\nv.join();");
            JsonObject stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            int thread = stopped.get("threadId").getAsInt();
            assertTrue(thread != 1, stopped.toString());
            JsonObject top = topFrame(c, thread);
            assertEquals(3, top.get("line").getAsInt(), top.toString());
            JsonArray locals = variables(c, named(ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}"))
                    .getAsJsonArray("scopes"), "Locals").get("variablesReference").getAsInt());
            assertEquals("\"n=7\"", named(locals, "text").get("value").getAsString());
            // A restart while stopped: the kernel ends cleanly (Jupyter starts a new one).
            String id = c.send(c.control, "shutdown_request", json("{\"restart\":true}"));
            assertEquals("ok", c.reply(c.control, id, LONG).contentString("status", ""));
            assertTrue(k.process.waitFor(60, java.util.concurrent.TimeUnit.SECONDS), "the kernel ended");
            assertFalse(exec.isEmpty());
        }
    }

    @Test
    void aMethodTheNewJavaSessionDefinesAgainKeepsItsCellsBreakpoints() throws Exception {
        try (KernelProcess k = KernelProcess.start(); KernelClient c = k.client()) {
            c.awaitReady(LONG);
            String earlier = "int triple(int n) {\n    int t = n * 3;\n    return t;\n}";
            assertEquals("ok", c.execute(earlier).status());
            start(c);
            String path = breakpoint(c, earlier, 2);
            ok(c, "configurationDone", null);
            assertEquals("error", c.execute("System.exit(0);").status(), "System.exit ends the Java session");
            // The new session defined triple again; its cell is not run again.
            String exec = c.executeAsync("System.out.println(triple(4));");
            JsonObject stopped = awaitEvent(c, "stopped").getAsJsonObject("body");
            assertEquals("breakpoint", stopped.get("reason").getAsString());
            JsonObject top = topFrame(c, stopped.get("threadId").getAsInt());
            assertEquals(2, top.get("line").getAsInt(), top.toString());
            assertEquals(path, top.getAsJsonObject("source").get("path").getAsString(), "mapped to the cell that defined it");
            ok(c, "continue", json("{\"threadId\":" + stopped.get("threadId").getAsInt() + "}"));
            assertEquals("ok", c.reply(c.shell, exec, LONG).contentString("status", ""));
            assertTrue(outputUntil(c, "12").contains("12"));
        }
    }

    /** The milliseconds a CPU loop takes in a cell, as the cell measures it. */
    private static long loopMillis(KernelClient c) {
        KernelClient.Execution run = c.execute("long t0 = System.nanoTime();\nlong sum = 0;\n"
                + "for (int i = 0; i < 150_000_000; i++) { sum += i % 7; }\n"
                + "System.out.println((System.nanoTime() - t0) / 1_000_000);", Duration.ofMinutes(3));
        assertEquals("ok", run.status(), run.stdout() + run.stderr());
        return Long.parseLong(run.stdout().strip());
    }

    @Test
    void withTheDebuggerOnAndNoBreakpointCellsRunAtTheirSpeed() throws Exception {
        try (KernelProcess k = KernelProcess.start(); KernelClient c = k.client()) {
            c.awaitReady(LONG);
            loopMillis(c); // warm-up: JIT
            // the fastest of three: another test class runs beside this one and may take a core for a while
            long off = Math.min(loopMillis(c), Math.min(loopMillis(c), loopMillis(c)));
            long t0 = System.nanoTime();
            c.execute("int one = 1;");
            long trivialOff = (System.nanoTime() - t0) / 1_000_000;
            start(c);
            ok(c, "configurationDone", null);
            long on = Math.min(loopMillis(c), Math.min(loopMillis(c), loopMillis(c)));
            t0 = System.nanoTime();
            c.execute("int two = 2;");
            long trivialOn = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("CPU loop: %d ms with the debugger off, %d ms on; a trivial cell: %d ms off, %d ms on%n",
                    off, on, trivialOff, trivialOn);
            assertTrue(on < off * 2 + 500, "the debugger slowed a CPU loop from " + off + " to " + on + " ms");
        }
    }

    @Test
    void breakpointInAClassOfAnEarlierCellAndStepIn() throws Exception {
        try (KernelClient c = sharedClient()) {
            String earlier = "class Counter {\n    private int count;\n    void add(int n) {\n        count += n;\n    }\n"
                    + "    int count() {\n        return count;\n    }\n}";
            assertEquals("ok", c.execute(earlier).status());
            start(c);
            // Counter is not loaded yet: its breakpoint is set when the JVM loads it.
            String classPath = breakpoint(c, earlier, 4);
            String cell = "Counter counter = new Counter();\ncounter.add(5);\nSystem.out.println(counter.count());";
            String exec = c.executeAsync(cell);
            assertEquals("breakpoint", awaitEvent(c, "stopped").getAsJsonObject("body").get("reason").getAsString());
            JsonArray frames = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames");
            JsonObject top = frames.get(0).getAsJsonObject();
            assertEquals(4, top.get("line").getAsInt(), frames.toString());
            assertEquals(classPath, top.getAsJsonObject("source").get("path").getAsString());
            assertEquals(2, frames.get(1).getAsJsonObject().get("line").getAsInt(), "called from the cell's line 2: " + frames);
            JsonArray locals = variables(c, named(ok(c, "scopes", json("{\"frameId\":" + top.get("id").getAsInt() + "}"))
                    .getAsJsonArray("scopes"), "Locals").get("variablesReference").getAsInt());
            JsonObject self = named(locals, "this");
            JsonArray fields = variables(c, self.get("variablesReference").getAsInt());
            assertEquals("0", named(fields, "count").get("value").getAsString(), fields.toString());
            ok(c, "setBreakpoints", json("{\"breakpoints\":[],\"source\":{\"path\":\"" + classPath.replace("\\", "\\\\") + "\"}}"));
            ok(c, "stepOut", json("{\"threadId\":1}"));
            awaitEvent(c, "stopped");
            top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            // add returns nothing: JDI may stop on the rest of line 2 or already on line 3.
            if (top.get("line").getAsInt() == 2) {
                ok(c, "next", json("{\"threadId\":1}"));
                awaitEvent(c, "stopped");
                top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            }
            assertEquals(3, top.get("line").getAsInt(), top.toString());
            ok(c, "stepIn", json("{\"threadId\":1}"));
            awaitEvent(c, "stopped");
            top = ok(c, "stackTrace", json("{\"threadId\":1}")).getAsJsonArray("stackFrames").get(0).getAsJsonObject();
            assertEquals("count", top.get("name").getAsString(), top.toString());
            assertEquals(7, top.get("line").getAsInt(), top.toString());
            ok(c, "continue", json("{\"threadId\":1}"));
            Message reply = c.reply(c.shell, exec, LONG);
            assertEquals("ok", reply.contentString("status", ""));
            assertTrue(outputUntil(c, "5").contains("5"));
        }
    }
}
