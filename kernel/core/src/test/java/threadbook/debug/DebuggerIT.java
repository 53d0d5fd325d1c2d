package threadbook.debug;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.protocol.Message;

/**
 * The Jupyter debug protocol as JupyterLab's debugger speaks it, over real ZeroMQ to a real kernel: the sequence
 * of ipykernel's own debugger tests (initialize, attach, dumpCell, setBreakpoints, debugInfo, configurationDone,
 * execute, the stopped event, stackTrace, scopes, variables, richInspectVariables, next, stepIn, continue,
 * inspectVariables, disconnect) with Java cells, then what only a Java kernel with threads has to show: a
 * breakpoint in a method of an earlier cell hit by a thread the cell started and by a pool thread, and two
 * deadlocked threads paused with the monitors each one holds and waits for, named by the notebook's variables.
 *
 * <p>Each test has its own kernel: a thread left stopped or deadlocked would show in the next test's threads.
 */
class DebuggerIT {
    /** Generous: the machine is shared, and a JDI step or the first breakpoint may take seconds under load. */
    static final Duration REPLY = Duration.ofSeconds(60);
    static final Duration EVENT = Duration.ofSeconds(90);

    // --- the sequence of ipykernel's tests/test_debugger.py, in Java ---------------------------------------

    /** Lines 1-9; the breakpoint goes on line 7, inside the loop, and stepIn goes into square on line 2. */
    static final String LOOP_CELL = """
            int square(int n) {
                int result = n * n;
                return result;
            }
            String unit = "cm2";
            for (int side = 3; side <= 4; side++) {
                int area = square(side);
                System.out.println("area " + area + " " + unit);
            }""";

    @Test
    void ipykernelsSequenceStopsStepsAndContinuesInACell() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            Debug d = new Debug(client);

            JsonObject info = client.reply(client.shell, client.send(client.shell, "kernel_info_request", new JsonObject()),
                    REPLY).content();
            assertTrue(info.has("debugger") && info.get("debugger").getAsBoolean(),
                    "kernel_info_reply says \"debugger\": true (JupyterLab enables its bug icon only then): " + info);

            // initialize, wrapped in busy/idle on iopub like any request (JupyterLab waits for that idle).
            String initId = d.send("initialize", initializeArguments());
            JsonObject init = d.replyTo(initId, "initialize");
            assertTrue(init.get("success").getAsBoolean(), "initialize succeeds: " + init);
            List<String> states = d.statesOf(initId);
            assertEquals(List.of("busy", "idle"), states, "initialize is wrapped in busy/idle on iopub");
            JsonObject attach = d.request("attach", new JsonObject());
            assertTrue(attach.get("success").getAsBoolean(), "attach succeeds: " + attach);

            JsonObject before = d.body("debugInfo", new JsonObject());
            assertTrue(before.get("isStarted").getAsBoolean(), "after attach, debugInfo says isStarted: " + before);
            assertEquals("Murmur2", before.get("hashMethod").getAsString(), before.toString());
            assertEquals(0, before.getAsJsonArray("stoppedThreads").size(), "no thread stopped yet: " + before);
            assertTrue(before.has("richRendering") && before.has("exceptionPaths") && before.has("breakpoints"),
                    "debugInfo has every field JupyterLab reads: " + before);

            // dumpCell: the path JupyterLab computes itself from the code's Murmur2 hash, so a gutter click maps.
            String source = d.dumpCell(LOOP_CELL);
            assertEquals(d.pathOf(LOOP_CELL, before), source,
                    "dumpCell's sourcePath is tmpFilePrefix + Murmur2(code, hashSeed) + tmpFileSuffix, as JupyterLab computes it");

            JsonObject set = d.body("setBreakpoints", setBreakpoints(source, 7));
            JsonArray breakpoints = set.getAsJsonArray("breakpoints");
            assertEquals(1, breakpoints.size(), set.toString());
            JsonObject bp = breakpoints.get(0).getAsJsonObject();
            assertTrue(bp.get("verified").getAsBoolean(), "the breakpoint on line 7 is verified: " + bp);
            assertEquals(7, bp.get("line").getAsInt(), "the breakpoint stays on the line clicked: " + bp);
            assertEquals(source, bp.getAsJsonObject("source").get("path").getAsString(), bp.toString());

            JsonObject debugInfo = d.body("debugInfo", new JsonObject());
            JsonObject listed = findBySource(debugInfo.getAsJsonArray("breakpoints"), source);
            assertNotNull(listed, "debugInfo lists the cell's breakpoints (JupyterLab restores them from it): " + debugInfo);
            assertEquals(7, listed.getAsJsonArray("breakpoints").get(0).getAsJsonObject().get("line").getAsInt(),
                    listed.toString());
            assertTrue(d.request("configurationDone", new JsonObject()).get("success").getAsBoolean());

            // execute: the cell stops on line 7 in its first round (side = 3), with nothing printed yet.
            String exec = client.executeAsync(LOOP_CELL);
            JsonObject stopped = d.awaitEvent("stopped", EVENT);
            assertEquals("breakpoint", stopped.get("reason").getAsString(), stopped.toString());
            long thread = stopped.get("threadId").getAsLong();
            assertFalse(d.stdoutOf(exec).contains("area"), "stopped before line 8 printed anything: " + d.stdoutOf(exec));
            JsonArray stoppedThreads = d.body("debugInfo", new JsonObject()).getAsJsonArray("stoppedThreads");
            assertTrue(contains(stoppedThreads, thread), "debugInfo lists the stopped thread " + thread + ": " + stoppedThreads);
            assertTrue(d.threadNames().containsKey(thread), "the threads request lists the stopped thread: " + d.threadNames());

            JsonArray frames = d.stackFrames(thread);
            JsonObject top = frames.get(0).getAsJsonObject();
            assertEquals(7, top.get("line").getAsInt(), "the top frame is on the breakpoint's line: " + top);
            assertEquals(source, sourcePath(top), "the top frame's source is the cell's path: " + top);

            int frameId = top.get("id").getAsInt();
            JsonArray scopes = d.body("scopes", args("frameId", frameId)).getAsJsonArray("scopes");
            JsonObject locals = scope(scopes, "Locals");
            List<JsonObject> localVars = d.variables(locals.get("variablesReference").getAsInt());
            JsonObject side = named(localVars, "side");
            assertEquals("3", side.get("value").getAsString(), "side is 3 in the first round: " + localVars);
            assertEquals("int", side.get("type").getAsString(), side.toString());

            // richInspectVariables at a breakpoint: the same text as the variable's value (ipykernel asserts that).
            JsonObject rich = d.body("richInspectVariables", richArgs("side", frameId));
            assertEquals(side.get("value").getAsString(), rich.getAsJsonObject("data").get("text/plain").getAsString(),
                    rich.toString());

            // next: line 8, area computed (9), still nothing printed.
            assertTrue(d.request("next", args("threadId", thread)).get("success").getAsBoolean());
            JsonObject stepped = d.awaitEvent("stopped", EVENT);
            assertEquals("step", stepped.get("reason").getAsString(), stepped.toString());
            assertEquals(thread, stepped.get("threadId").getAsLong(), stepped.toString());
            top = d.stackFrames(thread).get(0).getAsJsonObject();
            assertEquals(8, top.get("line").getAsInt(), "next goes from line 7 to line 8: " + top);
            assertEquals(source, sourcePath(top), top.toString());
            JsonArray stepScopes = d.body("scopes", args("frameId", top.get("id").getAsInt())).getAsJsonArray("scopes");
            List<JsonObject> afterNext = d.variables(scope(stepScopes, "Locals").get("variablesReference").getAsInt());
            assertEquals("9", named(afterNext, "area").get("value").getAsString(), "area = square(3): " + afterNext);

            // continue: line 8 prints, the loop's second round stops on the same breakpoint (side = 4).
            JsonObject cont = d.request("continue", args("threadId", thread));
            assertTrue(cont.get("success").getAsBoolean(), cont.toString());
            d.awaitEvent("continued", EVENT);
            JsonObject again = d.awaitEvent("stopped", EVENT);
            assertEquals("breakpoint", again.get("reason").getAsString(), again.toString());
            top = d.stackFrames(thread).get(0).getAsJsonObject();
            assertEquals(7, top.get("line").getAsInt(), top.toString());
            JsonArray againScopes = d.body("scopes", args("frameId", top.get("id").getAsInt())).getAsJsonArray("scopes");
            assertEquals("4", named(d.variables(scope(againScopes, "Locals").get("variablesReference").getAsInt()), "side")
                    .get("value").getAsString());
            assertTrue(d.stdoutOf(exec).contains("area 9 cm2"), "the first round printed: " + d.stdoutOf(exec));

            // stepIn: into square, defined on line 1 of the same cell; its caller is line 7.
            assertTrue(d.request("stepIn", args("threadId", thread)).get("success").getAsBoolean());
            JsonObject stepIn = d.awaitEvent("stopped", EVENT);
            assertEquals("step", stepIn.get("reason").getAsString(), stepIn.toString());
            frames = d.stackFrames(thread);
            top = frames.get(0).getAsJsonObject();
            assertEquals(2, top.get("line").getAsInt(), "stepIn stops on square's first line: " + frames);
            assertTrue(top.get("name").getAsString().contains("square"), "the frame is square's: " + top);
            assertEquals(source, sourcePath(top), top.toString());
            JsonObject caller = frames.get(1).getAsJsonObject();
            assertEquals(7, caller.get("line").getAsInt(), "square's caller is line 7: " + frames);
            assertEquals(source, sourcePath(caller), caller.toString());
            JsonArray inScopes = d.body("scopes", args("frameId", top.get("id").getAsInt())).getAsJsonArray("scopes");
            assertEquals("4", named(d.variables(scope(inScopes, "Locals").get("variablesReference").getAsInt()), "n")
                    .get("value").getAsString());

            // continue: the cell finishes with its normal output.
            assertTrue(d.request("continue", args("threadId", thread)).get("success").getAsBoolean());
            Message reply = client.reply(client.shell, exec, REPLY);
            assertEquals("ok", reply.contentString("status", ""), reply.content().toString());
            d.awaitIdle(exec);
            assertEquals("area 9 cm2\narea 16 cm2\n", d.stdoutOf(exec), "the cell's normal output");

            // inspectVariables: the notebook's variables for the Variables panel while nothing is stopped.
            List<JsonObject> notebook = d.list(d.body("inspectVariables", new JsonObject()).getAsJsonArray("variables"));
            JsonObject unit = named(notebook, "unit");
            assertTrue(unit.get("value").getAsString().contains("cm2"), unit.toString());
            // "str": the type JupyterLab's Variables tree shows a string's value for (it shows other types' names).
            assertEquals("str", unit.get("type").getAsString(), unit.toString());
            // richInspectVariables while not stopped: the MIME bundle a cell showing the variable gets.
            JsonObject richUnit = d.body("richInspectVariables", richArgs("unit", null));
            JsonObject shown = d.execute("unit").executeResult();
            assertEquals(shown.getAsJsonObject("data"), richUnit.getAsJsonObject("data"),
                    "richInspectVariables gives the bundle the cell `unit` shows");

            // A breakpoint on a cell's last line, an expression whose value the cell shows, stops there too.
            String valueCell = "int sixteen = square(4);\nsquare(2) * 4 + sixteen";
            String valueSource = d.dumpCell(valueCell);
            assertTrue(d.body("setBreakpoints", setBreakpoints(valueSource, 2)).getAsJsonArray("breakpoints").get(0)
                    .getAsJsonObject().get("verified").getAsBoolean());
            String valueExec = client.executeAsync(valueCell);
            JsonObject atValue = d.awaitEvent("stopped", EVENT);
            JsonObject valueTop = d.stackFrames(atValue.get("threadId").getAsLong()).get(0).getAsJsonObject();
            assertEquals(2, valueTop.get("line").getAsInt(), "stopped on the value's line: " + valueTop);
            assertEquals(valueSource, sourcePath(valueTop), valueTop.toString());
            assertTrue(d.request("continue", args("threadId", atValue.get("threadId").getAsLong())).get("success").getAsBoolean());
            assertEquals("ok", client.reply(client.shell, valueExec, REPLY).contentString("status", ""));
            d.awaitIdle(valueExec);
            JsonObject valueShown = new Ran(null, d.childrenOf(valueExec)).executeResult();
            assertEquals("32", valueShown.getAsJsonObject("data").get("text/plain").getAsString(), "the cell shows its value after the stop");

            // disconnect ends the session: no breakpoints left, the same cell runs through.
            JsonObject disconnect = d.request("disconnect", disconnectArguments());
            assertTrue(disconnect.get("success").getAsBoolean(), disconnect.toString());
            JsonObject after = d.body("debugInfo", new JsonObject());
            assertFalse(after.get("isStarted").getAsBoolean(), "after disconnect the debugger is not started: " + after);
            assertEquals(0, after.getAsJsonArray("breakpoints").size(), after.toString());
            Ran rerun = d.execute(LOOP_CELL);
            assertEquals("ok", rerun.status(), rerun.toString());
            assertEquals("area 9 cm2\narea 16 cm2\n", rerun.stdout());
            assertTrue(d.unreadEvents("stopped").isEmpty(), "no stop after disconnect: " + d.unreadEvents("stopped"));
        }
    }

    // --- a breakpoint in an earlier cell's method, hit by other threads ---------------------------------------

    static final String GREET_CELL = """
            String greet(String who) {
                String line = "hello " + who + " from " + Thread.currentThread().getName();
                return line;
            }""";

    @Test
    void aBreakpointInAnEarlierCellsMethodStopsTheThreadThatRunsIt() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            Debug d = new Debug(client);
            d.start();
            String greetSource = greetWithBreakpoint(d);

            // A thread the cell starts; the cell itself waits in join() and keeps running.
            String threadCell = """
                    Thread worker = new Thread(() -> System.out.println(greet("worker")), "greeter");
                    worker.start();
                    worker.join();""";
            String exec = client.executeAsync(threadCell);
            JsonObject stopped = d.awaitEvent("stopped", EVENT);
            assertEquals("breakpoint", stopped.get("reason").getAsString(), stopped.toString());
            long thread = stopped.get("threadId").getAsLong();
            assertEquals("greeter", d.threadNames().get(thread), "the thread stopped is the one the cell started");
            assertFalse(stopped.get("allThreadsStopped").getAsBoolean(),
                    "one thread stops, the others run on (the cell's own thread waits in join): " + stopped);
            assertGreetStop(d, thread, greetSource, "worker");
            // The Callstack panel's thread list follows the program: the thread's start, and below its end.
            d.awaitEvent("thread", body -> body.get("threadId").getAsLong() == thread
                    && body.get("reason").getAsString().equals("started"), EVENT);
            d.request("continue", args("threadId", thread));
            Message reply = client.reply(client.shell, exec, REPLY);
            assertEquals("ok", reply.contentString("status", ""));
            d.awaitIdle(exec);
            assertEquals("hello worker from greeter\n", d.stdoutOf(exec));
            d.awaitEvent("thread", body -> body.get("threadId").getAsLong() == thread
                    && body.get("reason").getAsString().equals("exited"), EVENT);

            // A pool thread.
            String poolCell = """
                    ExecutorService pool = Executors.newFixedThreadPool(2);
                    Future<String> answer = pool.submit(() -> greet("pool"));
                    System.out.println(answer.get());
                    pool.shutdown();""";
            exec = client.executeAsync(poolCell);
            stopped = d.awaitEvent("stopped", EVENT);
            assertEquals("breakpoint", stopped.get("reason").getAsString(), stopped.toString());
            long poolThread = stopped.get("threadId").getAsLong();
            String poolName = d.threadNames().get(poolThread);
            assertTrue(poolName != null && poolName.matches("pool-\\d+-thread-\\d+"), "a pool thread stopped: " + poolName);
            assertGreetStop(d, poolThread, greetSource, "pool");
            d.request("continue", args("threadId", poolThread));
            reply = client.reply(client.shell, exec, REPLY);
            assertEquals("ok", reply.contentString("status", ""));
            d.awaitIdle(exec);
            assertEquals("hello pool from " + poolName + "\n", d.stdoutOf(exec));

            assertTrue(d.request("disconnect", disconnectArguments()).get("success").getAsBoolean());
        }
    }

    @Test
    void aBreakpointStaysInAMethodThatAFailedRedefinitionLeftInPlace() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            Debug d = new Debug(client);
            d.start();
            String greetSource = greetWithBreakpoint(d);

            // JShell drops greet when it rejects this one; the kernel defines the old greet again.
            String broken = """
                    String greet(String who) {
                        return 42;
                    }""";
            assertEquals("error", d.execute(broken).status());

            String exec = client.executeAsync("System.out.println(greet(\"again\"));");
            JsonObject stopped = d.awaitEvent("stopped", EVENT);
            assertEquals("breakpoint", stopped.get("reason").getAsString(), stopped.toString());
            long thread = stopped.get("threadId").getAsLong();
            assertGreetStop(d, thread, greetSource, "again");
            d.request("continue", args("threadId", thread));
            assertEquals("ok", client.reply(client.shell, exec, REPLY).contentString("status", ""));
            d.awaitIdle(exec);
            assertTrue(d.stdoutOf(exec).startsWith("hello again from "), d.stdoutOf(exec));
            assertTrue(d.request("disconnect", disconnectArguments()).get("success").getAsBoolean());
        }
    }

    /** Runs GREET_CELL and sets a breakpoint on greet's line 2, which must be verified; returns the cell's source path. */
    private static String greetWithBreakpoint(Debug d) {
        assertEquals("ok", d.execute(GREET_CELL).status());
        String greetSource = d.dumpCell(GREET_CELL);
        JsonObject set = d.body("setBreakpoints", setBreakpoints(greetSource, 2));
        assertTrue(set.getAsJsonArray("breakpoints").get(0).getAsJsonObject().get("verified").getAsBoolean(),
                "a breakpoint in a method of a cell run before is verified: " + set);
        d.request("configurationDone", new JsonObject());
        return greetSource;
    }

    private static void assertGreetStop(Debug d, long thread, String greetSource, String who) {
        JsonArray frames = d.stackFrames(thread);
        JsonObject top = frames.get(0).getAsJsonObject();
        assertEquals(2, top.get("line").getAsInt(), "stopped on greet's line 2: " + frames);
        assertEquals(greetSource, sourcePath(top), "the frame's source is the earlier cell's path: " + top);
        assertTrue(top.get("name").getAsString().contains("greet"), top.toString());
        JsonArray scopes = d.body("scopes", args("frameId", top.get("id").getAsInt())).getAsJsonArray("scopes");
        JsonObject param = named(d.variables(scope(scopes, "Locals").get("variablesReference").getAsInt()), "who");
        assertTrue(param.get("value").getAsString().contains(who), "greet's parameter: " + param);
    }

    // --- two deadlocked threads, paused, their monitors named ---------------------------------------------

    static final String DEADLOCK_CELL = """
            Thread left = new Thread(() -> { synchronized (forks) { pause(); synchronized (knives) { } } }, "left");
            Thread right = new Thread(() -> { synchronized (knives) { pause(); synchronized (forks) { } } }, "right");
            left.start(); right.start();""";

    @Test
    void twoDeadlockedThreadsPausedShowWhoHoldsAndWhoWaits() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            Debug d = new Debug(client);
            d.start();
            d.request("configurationDone", new JsonObject());
            assertEquals("ok", d.execute("Object forks = new Object(), knives = new Object();\n"
                    + "void pause() { try { Thread.sleep(300); } catch (InterruptedException e) { } }").status());
            assertEquals("ok", d.execute(DEADLOCK_CELL).status());
            // Both BLOCKED for good: the deadlock exists before anything is paused (no fixed sleep).
            Ran blocked = d.execute("""
                    long until = System.currentTimeMillis() + 60_000;
                    while ((left.getState() != Thread.State.BLOCKED || right.getState() != Thread.State.BLOCKED)
                            && System.currentTimeMillis() < until) Thread.sleep(50);
                    System.out.println(left.getState() + " " + right.getState());""");
            assertEquals("BLOCKED BLOCKED\n", blocked.stdout(), blocked.toString());

            var names = d.threadNames();
            long left = idOf(names, "left");
            long right = idOf(names, "right");

            // Pause as JupyterLab's button sends it while no thread is stopped: threadId 1 (it knows no other).
            assertTrue(d.request("pause", args("threadId", 1)).get("success").getAsBoolean());
            JsonObject paused = d.awaitEvent("stopped", EVENT);
            assertEquals("pause", paused.get("reason").getAsString(), paused.toString());
            long shown = paused.get("threadId").getAsLong();
            assertTrue(shown == left || shown == right, "the stop shows a deadlocked thread, where it is stuck: " + paused);
            String said = (paused.has("description") ? paused.get("description").getAsString() : "") + " "
                    + (paused.has("text") ? paused.get("text").getAsString() : "");
            assertTrue(said.toLowerCase(Locale.ROOT).contains("deadlock") && said.contains("left") && said.contains("right"),
                    "the stopped event for pause says the threads are deadlocked and names the cycle: " + paused);
            if (!paused.get("allThreadsStopped").getAsBoolean()) {
                long other = shown == left ? right : left;
                assertTrue(d.request("pause", args("threadId", other)).get("success").getAsBoolean());
                JsonObject second = d.awaitEvent("stopped", EVENT);
                assertEquals(other, second.get("threadId").getAsLong(), second.toString());
            }

            String deadlockSource = d.pathOf(DEADLOCK_CELL, d.body("debugInfo", new JsonObject()));
            assertThreadScope(d, left, deadlockSource, 1, "forks", "knives");
            assertThreadScope(d, right, deadlockSource, 2, "knives", "forks");
            assertTrue(d.request("disconnect", disconnectArguments()).get("success").getAsBoolean());
        }
    }

    /**
     * The "Thread" scope of a deadlocked thread's top frame: state blocked, the monitor it owns and the one it
     * waits for, each named by the notebook variable that holds the lock object.
     */
    private static void assertThreadScope(Debug d, long thread, String source, int line, String owns, String waitsFor) {
        JsonObject top = d.stackFrames(thread).get(0).getAsJsonObject();
        assertEquals(source, sourcePath(top), "the deadlocked thread stands in the cell that started it: " + top);
        assertEquals(line, top.get("line").getAsInt(), top.toString());
        JsonArray scopes = d.body("scopes", args("frameId", top.get("id").getAsInt())).getAsJsonArray("scopes");
        List<JsonObject> vars = d.variables(scope(scopes, "Thread").get("variablesReference").getAsInt());
        JsonObject state = first(vars, v -> v.get("name").getAsString().toLowerCase(Locale.ROOT).contains("state"),
                "a state", vars);
        assertTrue(state.get("value").getAsString().toLowerCase(Locale.ROOT).contains("blocked"), state.toString());
        JsonObject owned = first(vars, v -> Pattern.compile("own|hold", Pattern.CASE_INSENSITIVE)
                .matcher(v.get("name").getAsString()).find(), "the monitors it owns", vars);
        assertTrue(d.text(owned).contains(owns), "owns " + owns + ": " + d.text(owned));
        assertFalse(d.text(owned).contains(waitsFor), "owns only " + owns + ": " + d.text(owned));
        JsonObject contended = first(vars, v -> Pattern.compile("wait|contend|block", Pattern.CASE_INSENSITIVE)
                .matcher(v.get("name").getAsString()).find() && v != state, "the monitor it waits for", vars);
        assertTrue(d.text(contended).contains(waitsFor), "waits for " + waitsFor + ": " + d.text(contended));
    }

    // --- the README's walk-through: one thread held inside synchronized, another blocked on the same lock ------

    /** The cell of README "Debugging": the breakpoint goes on line 4, inside holder's synchronized block. */
    static final String HOLDER_CELL = """
            Object lockA = new Object();
            Thread holder = new Thread(() -> {
                synchronized (lockA) {
                    System.out.println("holder has lockA");
                }
            }, "holder");
            Thread waiter = new Thread(() -> { synchronized (lockA) { System.out.println("waiter got lockA"); } }, "waiter");
            holder.start(); Thread.sleep(500); waiter.start(); waiter.join();""";

    @Test
    void theReadmesWalkThroughShowsWhoHoldsTheLockAndWhoWaits() throws Exception {
        try (KernelProcess kernel = KernelProcess.start(); KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            Debug d = new Debug(client);
            d.start();
            String source = d.dumpCell(HOLDER_CELL);
            assertTrue(d.body("setBreakpoints", setBreakpoints(source, 4)).getAsJsonArray("breakpoints").get(0)
                    .getAsJsonObject().get("verified").getAsBoolean());
            d.request("configurationDone", new JsonObject());
            String exec = client.executeAsync(HOLDER_CELL);
            JsonObject stopped = d.awaitEvent("stopped", EVENT);
            long holder = stopped.get("threadId").getAsLong();
            assertEquals("holder", d.threadNames().get(holder), stopped.toString());
            JsonObject top = d.stackFrames(holder).get(0).getAsJsonObject();
            assertEquals(4, top.get("line").getAsInt(), top.toString());
            int frameId = top.get("id").getAsInt();

            JsonArray scopes = d.body("scopes", args("frameId", frameId)).getAsJsonArray("scopes");
            List<JsonObject> mine = d.variables(scope(scopes, "Thread").get("variablesReference").getAsInt());
            assertTrue(d.text(named(mine, "holds")).contains("lockA"), "holder holds lockA: " + mine);

            // waiter runs on (only holder stopped) until it blocks on lockA: the scope Threads shows it so.
            long until = System.nanoTime() + EVENT.toNanos();
            JsonObject waiter = null;
            while (System.nanoTime() < until) {
                scopes = d.body("scopes", args("frameId", frameId)).getAsJsonArray("scopes");
                List<JsonObject> all = d.variables(scope(scopes, "Threads").get("variablesReference").getAsInt());
                waiter = all.stream().filter(v -> v.get("name").getAsString().equals("waiter")).findFirst().orElse(null);
                if (waiter != null && waiter.get("value").getAsString().toLowerCase(Locale.ROOT).contains("blocked")) {
                    break;
                }
                Thread.sleep(250);
            }
            assertNotNull(waiter, "the scope Threads lists the thread waiter");
            assertTrue(waiter.get("value").getAsString().toLowerCase(Locale.ROOT).contains("blocked"), waiter.toString());
            List<JsonObject> detail = d.variables(waiter.get("variablesReference").getAsInt());
            JsonObject waits = first(detail, v -> v.get("name").getAsString().toLowerCase(Locale.ROOT).contains("wait"),
                    "the lock waiter waits for", detail);
            assertTrue(d.text(waits).contains("lockA") && d.text(waits).contains("holder"),
                    "waiter waits for lockA, which holder holds: " + d.text(waits));

            d.request("continue", args("threadId", holder));
            Message reply = client.reply(client.shell, exec, REPLY);
            assertEquals("ok", reply.contentString("status", ""));
            d.awaitIdle(exec);
            assertEquals("holder has lockA\nwaiter got lockA\n", d.stdoutOf(exec));
            assertTrue(d.request("disconnect", disconnectArguments()).get("success").getAsBoolean());
        }
    }

    // --- the client side of the debug protocol ------------------------------------------------------------

    /** Record of a cell run through {@link Debug#execute}: its reply and the iopub messages it caused. */
    record Ran(Message reply, List<Message> iopub) {
        String status() {
            return reply.contentString("status", "");
        }

        String stdout() {
            StringBuilder sb = new StringBuilder();
            for (Message m : iopub) {
                if (m.type().equals("stream") && m.contentString("name", "").equals("stdout")) {
                    sb.append(m.contentString("text", ""));
                }
            }
            return sb.toString();
        }

        JsonObject executeResult() {
            return iopub.stream().filter(m -> m.type().equals("execute_result")).findFirst()
                    .orElseThrow(() -> new AssertionError("no execute_result: " + this)).content();
        }

        @Override
        public String toString() {
            return reply.content() + " " + KernelClient.types(iopub) + " stdout " + stdout();
        }
    }

    /**
     * JupyterLab's side: debug_request on control (answered while a cell runs or is stopped), and every iopub
     * message kept here (debug_event, the cells' output), read by this class alone so no event is lost.
     */
    static final class Debug {
        private final KernelClient client;
        private final List<Message> iopub = new ArrayList<>();
        private final Set<Integer> taken = new HashSet<>();
        private int seq;

        Debug(KernelClient client) {
            this.client = client;
        }

        void start() {
            assertTrue(request("initialize", initializeArguments()).get("success").getAsBoolean());
            assertTrue(request("attach", new JsonObject()).get("success").getAsBoolean());
        }

        String send(String command, JsonObject arguments) {
            JsonObject content = new JsonObject();
            content.addProperty("type", "request");
            content.addProperty("seq", ++seq);
            content.addProperty("command", command);
            content.add("arguments", arguments);
            return client.send(client.control, "debug_request", content);
        }

        JsonObject replyTo(String id, String command) {
            Message reply;
            try {
                reply = client.reply(client.control, id, REPLY);
            } catch (AssertionError none) {
                throw new AssertionError("no debug_reply to '" + command + "' on the control channel within " + REPLY, none);
            }
            assertEquals("debug_reply", reply.type(), "a debug_request is answered by a debug_reply on control");
            JsonObject content = reply.content();
            assertEquals("response", content.get("type").getAsString(), content.toString());
            assertEquals(command, content.get("command").getAsString(), content.toString());
            return content;
        }

        JsonObject request(String command, JsonObject arguments) {
            return replyTo(send(command, arguments), command);
        }

        /** The body of a successful reply. */
        JsonObject body(String command, JsonObject arguments) {
            JsonObject reply = request(command, arguments);
            assertTrue(reply.get("success").getAsBoolean(), command + " succeeds: " + reply);
            assertTrue(reply.has("body") && reply.get("body").isJsonObject(), command + " has a body: " + reply);
            return reply.getAsJsonObject("body");
        }

        String dumpCell(String code) {
            JsonObject body = body("dumpCell", args("code", code));
            return body.get("sourcePath").getAsString();
        }

        /** tmpFilePrefix + Murmur2(code, hashSeed) + tmpFileSuffix: the path JupyterLab gives a cell. */
        String pathOf(String code, JsonObject debugInfo) {
            long seed = debugInfo.get("hashSeed").getAsLong();
            return debugInfo.get("tmpFilePrefix").getAsString() + Integer.toUnsignedString(murmur2(code, (int) seed))
                    + debugInfo.get("tmpFileSuffix").getAsString();
        }

        java.util.Map<Long, String> threadNames() {
            java.util.Map<Long, String> names = new java.util.HashMap<>();
            for (JsonElement t : body("threads", new JsonObject()).getAsJsonArray("threads")) {
                names.put(t.getAsJsonObject().get("id").getAsLong(), t.getAsJsonObject().get("name").getAsString());
            }
            return names;
        }

        JsonArray stackFrames(long thread) {
            JsonArray frames = body("stackTrace", args("threadId", thread)).getAsJsonArray("stackFrames");
            assertFalse(frames.isEmpty(), "thread " + thread + " has frames");
            return frames;
        }

        List<JsonObject> variables(int reference) {
            assertTrue(reference > 0, "a scope with variables has a reference > 0");
            return list(body("variables", args("variablesReference", reference)).getAsJsonArray("variables"));
        }

        List<JsonObject> list(JsonArray array) {
            List<JsonObject> out = new ArrayList<>();
            array.forEach(e -> out.add(e.getAsJsonObject()));
            return out;
        }

        /** A variable's value and, one level down, its children's names and values (a list of monitors). */
        String text(JsonObject variable) {
            StringBuilder sb = new StringBuilder(variable.get("value").getAsString());
            int ref = variable.has("variablesReference") ? variable.get("variablesReference").getAsInt() : 0;
            if (ref > 0) {
                for (JsonObject child : variables(ref)) {
                    sb.append(" | ").append(child.get("name").getAsString()).append(" = ").append(child.get("value").getAsString());
                }
            }
            return sb.toString();
        }

        /** The body of the first debug_event {@code event} not taken before; waits for it. */
        JsonObject awaitEvent(String event, Duration timeout) {
            return awaitEvent(event, body -> true, timeout);
        }

        /** The body of the first debug_event {@code event} not taken before whose body passes {@code test}. */
        JsonObject awaitEvent(String event, Predicate<JsonObject> test, Duration timeout) {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (true) {
                for (int i = 0; i < iopub.size(); i++) {
                    Message m = iopub.get(i);
                    if (!taken.contains(i) && m.type().equals("debug_event")
                            && m.content().get("event").getAsString().equals(event)) {
                        JsonObject content = m.content();
                        JsonObject body = content.has("body") ? content.getAsJsonObject("body") : new JsonObject();
                        if (test.test(body)) {
                            taken.add(i);
                            return body;
                        }
                    }
                }
                if (System.nanoTime() > deadline) {
                    fail("no debug_event '" + event + "' within " + timeout + "; events seen: " + events());
                }
                pump(Duration.ofMillis(200));
            }
        }

        List<JsonObject> unreadEvents(String event) {
            pump(Duration.ofSeconds(2));
            List<JsonObject> out = new ArrayList<>();
            for (int i = 0; i < iopub.size(); i++) {
                Message m = iopub.get(i);
                if (!taken.contains(i) && m.type().equals("debug_event") && m.content().get("event").getAsString().equals(event)) {
                    out.add(m.content());
                }
            }
            return out;
        }

        private List<String> events() {
            return iopub.stream().filter(m -> m.type().equals("debug_event"))
                    .map(m -> m.content().get("event").getAsString()).toList();
        }

        private void pump(Duration window) {
            long deadline = System.nanoTime() + window.toNanos();
            while (System.nanoTime() < deadline) {
                Message m = client.receive(client.iopub, Duration.ofMillis(50));
                if (m != null) {
                    iopub.add(m);
                }
            }
        }

        List<Message> childrenOf(String id) {
            pump(Duration.ofMillis(100));
            return iopub.stream().filter(m -> KernelClient.parentId(m).equals(id)).toList();
        }

        List<String> statesOf(String id) {
            awaitIdle(id);
            return childrenOf(id).stream().filter(m -> m.type().equals("status"))
                    .map(m -> m.contentString("execution_state", "")).toList();
        }

        void awaitIdle(String id) {
            long deadline = System.nanoTime() + REPLY.toNanos();
            while (System.nanoTime() < deadline) {
                if (childrenOf(id).stream().anyMatch(m -> m.type().equals("status")
                        && m.contentString("execution_state", "").equals("idle"))) {
                    return;
                }
            }
            fail("no idle status for " + id + " within " + REPLY);
        }

        String stdoutOf(String id) {
            StringBuilder sb = new StringBuilder();
            for (Message m : childrenOf(id)) {
                if (m.type().equals("stream") && m.contentString("name", "").equals("stdout")) {
                    sb.append(m.contentString("text", ""));
                }
            }
            return sb.toString();
        }

        Ran execute(String code) {
            String id = client.executeAsync(code);
            Message reply = client.reply(client.shell, id, REPLY);
            awaitIdle(id);
            return new Ran(reply, childrenOf(id));
        }
    }

    // --- arguments as JupyterLab sends them --------------------------------------------------------------

    static JsonObject initializeArguments() {
        JsonObject a = new JsonObject();
        a.addProperty("clientID", "threadbook-test");
        a.addProperty("clientName", "DebuggerIT");
        a.addProperty("adapterID", "");
        a.addProperty("pathFormat", "path");
        a.addProperty("linesStartAt1", true);
        a.addProperty("columnsStartAt1", true);
        a.addProperty("supportsVariableType", true);
        a.addProperty("supportsVariablePaging", true);
        a.addProperty("supportsRunInTerminalRequest", true);
        a.addProperty("locale", "en");
        return a;
    }

    static JsonObject disconnectArguments() {
        JsonObject a = new JsonObject();
        a.addProperty("restart", false);
        a.addProperty("terminateDebuggee", true);
        return a;
    }

    static JsonObject setBreakpoints(String source, int line) {
        JsonObject a = new JsonObject();
        JsonArray bps = new JsonArray();
        bps.add(args("line", line));
        a.add("breakpoints", bps);
        a.add("source", args("path", source));
        a.addProperty("sourceModified", false);
        return a;
    }

    static JsonObject richArgs(String name, Integer frameId) {
        JsonObject a = args("variableName", name);
        if (frameId != null) {
            a.addProperty("frameId", frameId);
        }
        return a;
    }

    static JsonObject args(String name, Object value) {
        JsonObject a = new JsonObject();
        if (value instanceof Number n) {
            a.addProperty(name, n);
        } else {
            a.addProperty(name, String.valueOf(value));
        }
        return a;
    }

    // --- reading replies -------------------------------------------------------------------------------------

    static String sourcePath(JsonObject frame) {
        assertTrue(frame.has("source") && frame.getAsJsonObject("source").has("path"), "the frame has a source path: " + frame);
        return frame.getAsJsonObject("source").get("path").getAsString();
    }

    static JsonObject scope(JsonArray scopes, String name) {
        for (JsonElement s : scopes) {
            if (s.getAsJsonObject().get("name").getAsString().equals(name)) {
                return s.getAsJsonObject();
            }
        }
        throw new AssertionError("no scope '" + name + "' in " + scopes);
    }

    static JsonObject named(List<JsonObject> variables, String name) {
        return first(variables, v -> v.get("name").getAsString().equals(name), "a variable '" + name + "'", variables);
    }

    static JsonObject first(List<JsonObject> variables, Predicate<JsonObject> test, String what, Object shown) {
        return variables.stream().filter(test).findFirst().orElseThrow(() -> new AssertionError("no " + what + " in " + shown));
    }

    static JsonObject findBySource(JsonArray breakpoints, String source) {
        for (JsonElement e : breakpoints) {
            if (e.getAsJsonObject().get("source").getAsString().equals(source)) {
                return e.getAsJsonObject();
            }
        }
        return null;
    }

    static boolean contains(JsonArray array, long value) {
        for (JsonElement e : array) {
            if (e.getAsLong() == value) {
                return true;
            }
        }
        return false;
    }

    static long idOf(java.util.Map<Long, String> names, String name) {
        return names.entrySet().stream().filter(e -> e.getValue().equals(name)).map(java.util.Map.Entry::getKey)
                .findFirst().orElseThrow(() -> new AssertionError("no thread '" + name + "' in " + names));
    }

    // --- Murmur2, as JupyterLab hashes a cell's code -------------------------------------------------------

    /** MurmurHash2, 32 bits, over the UTF-8 bytes of {@code text}: the hash JupyterLab names a cell's file by. */
    static int murmur2(String text, int seed) {
        byte[] data = text.getBytes(StandardCharsets.UTF_8);
        final int m = 0x5bd1e995;
        int h = seed ^ data.length;
        int i = 0;
        for (; i + 4 <= data.length; i += 4) {
            int k = (data[i] & 0xff) | (data[i + 1] & 0xff) << 8 | (data[i + 2] & 0xff) << 16 | (data[i + 3] & 0xff) << 24;
            k *= m;
            k ^= k >>> 24;
            k *= m;
            h = h * m ^ k;
        }
        switch (data.length - i) {
            case 3:
                h ^= (data[i + 2] & 0xff) << 16;
            case 2:
                h ^= (data[i + 1] & 0xff) << 8;
            case 1:
                h ^= data[i] & 0xff;
                h *= m;
            default:
        }
        h ^= h >>> 13;
        h *= m;
        h ^= h >>> 15;
        return h;
    }

    /** The test's own Murmur2 against a hash ipykernel 7 gave a cell (seed and path from its debugInfo/dumpCell). */
    @Test
    void murmur2MatchesJupyterLabsHash() {
        String code = "def f(a, b):\n    c = a + b\n    return c\n\nx = f(2, 3)\nprint(x)";
        assertEquals("3496128698", Integer.toUnsignedString(murmur2(code, (int) 3339675911L)));
        assertNotEquals(murmur2(code, 1), murmur2(code + " ", 1));
    }
}
