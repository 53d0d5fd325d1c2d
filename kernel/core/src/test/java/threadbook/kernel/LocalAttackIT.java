package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.Poll;
import threadbook.protocol.Message;

/**
 * Another local user attacks a session: the attacker (src/test/resources/threadbook/attacker.py) runs as
 * user {@code nobody}, reads the agent's command line and races the agent to the kernel's loopback ports.
 * Also: where the JVMs of a session write their own files (a shared temp folder at a fixed name is
 * another user's to plant files in; the working folder is the user's notebooks).
 */
@Tag("quiet")
class LocalAttackIT {
    private static final String PASSWORD = "hunter2-" + UUID.randomUUID();
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");

    @TempDir
    Path dir;

    @Test
    void anotherUserCannotTakeOverTheEventChannel() throws Exception {
        try (KernelProcess kernel = start(Map.of(), null, null);
             Attacker attacker = Attacker.start(kernel, "65534", "steal", "events");
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            assertTrue(attacker.awaitLine("AGENT", Duration.ofSeconds(30)), "the attacker saw the agent start: " + attacker);
            assertTheSessionIsIntact(client, attacker);
            assertTrue(attacker.lines().stream().noneMatch(l -> l.contains("stolen token")),
                    "no secret on the agent's command line for the attacker to steal: " + attacker);
            assertTrue(attacker.lines().stream().anyMatch(l -> l.startsWith("events UNREACHABLE")),
                    "the event channel is a socket in the user's private folder, out of another user's reach: " + attacker);
            String agentLine = attacker.lines().stream().filter(l -> l.startsWith("AGENT")).findFirst().orElseThrow();
            assertFalse(Pattern.compile("[0-9a-f]{32,}|token").matcher(agentLine).find(),
                    "what any user reads of the agent's command line holds no secret: " + agentLine);
        }
    }

    @Test
    void anotherUserCannotTakeTheCommandPortOrTheDebugPort() throws Exception {
        try (KernelProcess kernel = start(Map.of(), null, null);
             Attacker attacker = Attacker.start(kernel, "65534", "steal", "control", "debug");
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            assertTrue(attacker.awaitLine("AGENT", Duration.ofSeconds(30)), "the attacker saw the agent start: " + attacker);
            assertTheSessionIsIntact(client, attacker);
            assertTrue(attacker.lines().stream().noneMatch(l -> l.startsWith("debug HANDSHAKE")),
                    "the kernel never took the attacker for the Java process: " + attacker);
            assertTrue(attacker.lines().stream().noneMatch(l -> l.startsWith("control RECEIVED")),
                    "JShell's commands (the user's compiled code) never went to the attacker: " + attacker);
            assertTrue(attacker.lines().stream().anyMatch(l -> l.startsWith("control UNREACHABLE")),
                    "JShell's command socket is in the user's private folder, out of another user's reach: " + attacker);
        }
    }

    /**
     * The attack of issue 19: connections from 127.0.0.2.. with the target port as source port (a look-up
     * by port number alone takes them for the kernel's own), held silent (answering JDWP's handshake), and a
     * flood of 2,000+ connections a second at the agent's three ports, from before the agent connects. The
     * session starts, the first cell's output arrives whole, and the start takes at most 2 s longer than
     * a start nobody attacks (a connection the gate waited on, or an agent connection dropped from a full
     * queue, costs seconds: a silent peer 5 s, a dropped SYN 1 s and then 3 s).
     */
    @Test
    void spoofedHeldAndFloodedPortsNeitherStopNorSlowTheStart() throws Exception {
        Duration quiet = startToFirstOutput(null);
        List<String> said = new ArrayList<>();
        Duration besieged = startToFirstOutput(said);
        System.out.println("start to the first cell's output: " + quiet.toMillis() + " ms quiet, "
                + besieged.toMillis() + " ms under attack; attacker said " + said);
        assertTrue(said.stream().noneMatch(l -> l.startsWith("debug HANDSHAKE") || l.contains(" RECEIVED ")),
                "the kernel never took the attacker for the Java process: " + said);
        int held = said.stream().filter(l -> l.contains("-spoof from"))
                .mapToInt(l -> Integer.parseInt(l.replaceAll(".* held (\\d+) .*", "$1"))).sum();
        assertTrue(held > 0, "spoofed connections reached the ports: " + said);
        int fastest = said.stream().filter(l -> l.startsWith("FLOOD"))
                .mapToInt(l -> Integer.parseInt(l.split(" ")[3])).max().orElse(0);
        assertTrue(fastest >= 2000, "the flood ran at 2,000+ connections a second: " + said);
        assertTrue(besieged.compareTo(quiet.plusSeconds(2)) <= 0,
                "the attack slowed the start by at most 2 s: " + quiet.toMillis() + " ms quiet, "
                + besieged.toMillis() + " ms under attack");
    }

    /**
     * From starting a kernel to its first cell's output, with the siege attacker (as nobody) unless
     * {@code attackerSaid} is null; what the attacker said is added to it.
     */
    private Duration startToFirstOutput(List<String> attackerSaid) throws Exception {
        long start = System.nanoTime();
        try (KernelProcess kernel = start(Map.of(), null, null);
             Attacker attacker = attackerSaid == null ? null
                     : Attacker.start(kernel, "65534", "siege", "debug", "control", "events");
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            KernelClient.Execution first = client.execute("System.out.println(\"hello from the victim\");",
                    Duration.ofSeconds(120));
            Duration took = Duration.ofNanos(System.nanoTime() - start);
            String why = attacker == null ? "" : attacker.toString();
            assertEquals("ok", first.status(), first.error() + " " + why);
            assertEquals("hello from the victim\n", first.stdout(), why);
            if (attacker != null) {
                assertTheSessionIsIntact(client, attacker);
                // each spoofing thread says how many connections it held once its port is closed
                // (the debug port's eight: JShell's commands and the event channel are Unix-domain sockets
                // the attacker cannot reach, which it says)
                assertTrue(attacker.awaitCount("-spoof from", 8, Duration.ofSeconds(30)), "the port closed: " + attacker);
                assertTrue(attacker.awaitCount(" UNREACHABLE", 2, Duration.ofSeconds(30)), "the sockets: " + attacker);
                attackerSaid.addAll(attacker.lines());
            }
            return took;
        }
    }

    /**
     * Another user subscribes to the kernel's iopub port (listening needs no key) from the moment it opens,
     * racing the user's own client, and connects again whenever it is dropped, while the user's cells show a
     * secret. The user's client gets every message; the attacker not one.
     */
    @Test
    void anotherUserCannotListenToTheCells() throws Exception {
        String secret = "grade-" + UUID.randomUUID();
        try (KernelProcess kernel = start(Map.of(), null, null);
             Attacker attacker = Attacker.start(kernel, "65534", "listen", "iopub:" + kernel.connection.get("iopub_port").getAsInt());
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            // Either the kernel dropped the attacker, or it let it in (and then the cells below are its to read).
            assertTrue(attacker.awaitLine(Duration.ofSeconds(30), "iopub DISCONNECTED", "iopub HANDSHAKE"),
                    "the attacker reached the iopub port: " + attacker);

            KernelClient.Execution e = client.execute("String secret = \"" + secret + "\";\nSystem.out.println(secret);");
            assertEquals("ok", e.status(), String.valueOf(e.error()));
            assertEquals(secret + "\n", e.stdout(), "the user's own client shows the cell's output");
            assertTrue(e.ofType("execute_input").get(0).contentString("code", "").contains(secret),
                    "the user's own client got the cell's code: " + e.iopub());
            assertTheSessionIsIntact(client, attacker);

            String secretHex = HexFormat.of().formatHex(secret.getBytes(StandardCharsets.UTF_8));
            assertTrue(attacker.lines().stream().noneMatch(l -> l.contains(secretHex) || l.startsWith("iopub HANDSHAKE")),
                    "the kernel never let the attacker subscribe: " + attacker);
            assertTrue(kernel.log().contains("refused a connection to port " + kernel.connection.get("iopub_port").getAsInt()
                    + " from another user (uid 65534)"), "the kernel says whom it refused: " + kernel.log());
        }
    }

    /**
     * Connections from the victim's own uid get past the uid check: these prove the secret check, and that
     * a wrong secret or a silent connection does not keep the real agent out.
     */
    @Test
    void aWrongSecretOrSilenceIsDroppedAndTheSessionStillWorks() throws Exception {
        try (KernelProcess kernel = start(Map.of(), null, null);
             Attacker attacker = Attacker.start(kernel, null, "blind", "events", "control");
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            assertTrue(attacker.awaitLine("AGENT", Duration.ofSeconds(30)), "the attacker saw the agent start: " + attacker);
            assertTheSessionIsIntact(client, attacker);
            assertTrue(attacker.awaitLine("events-silent CLOSED", Duration.ofSeconds(30))
                    && attacker.awaitLine("control-wrong CLOSED", Duration.ofSeconds(30)),
                    "silence and a wrong secret were shown the door: " + attacker);
        }
    }

    /**
     * A worker's class data archive (JDK 19-23, or 24+ without the AOT cache install.sh makes) is named for the
     * agent jar it was made with: a JVM finds one made for another jar (an older install) unusable and does not
     * make it again, so workers would start without one for good. Archives for other jars are deleted once they
     * are a month old (not at once: two installs in use side by side would delete each other's).
     */
    @Test
    void workersMakeAnArchiveForTheirOwnJarAndDropOnesMadeForAnother() throws Exception {
        Path folder = Files.createDirectories(dir.resolve("xdg-archive/threadbook"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwx------"));
        List<Path> old = List.of(folder.resolve("worker-25.jsa"), folder.resolve("worker-25-0bad0bad.jsa"));
        for (Path p : old) {
            Files.writeString(p, "an archive made for another jar");
            Files.setLastModifiedTime(p, java.nio.file.attribute.FileTime.from(java.time.Instant.now().minus(Duration.ofDays(31))));
        }
        Path recent = Files.writeString(folder.resolve("worker-25-0900d0ff.jsa"), "another install's, in use");
        try (KernelProcess kernel = start(Map.of("XDG_CACHE_HOME", folder.getParent().toString()), null, JDK25);
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            assertEquals("ok", client.execute("%workers prestart off").status());
            KernelClient.Execution e = client.execute("""
                    try (WorkerPool pool = new WorkerPool(1)) { System.out.println(pool.map(x -> x * 2, List.of(21))); }""",
                    Duration.ofSeconds(120));
            assertEquals("ok", e.status(), String.valueOf(e.error()));
            assertEquals("[42]\n", e.stdout());
            for (Path p : old) {
                assertFalse(Files.exists(p), p + " was deleted");
            }
            assertTrue(Files.exists(recent), "a recent archive of another jar is kept");
            // The worker writes its archive as it ends, after the pool closed.
            List<Path> made = Poll.until(Duration.ofSeconds(60), "the worker's archive", () -> {
                try (Stream<Path> files = Files.list(folder)) {
                    return files.filter(f -> f.getFileName().toString().matches("worker-25-[0-9a-f]+\\.jsa"))
                            .filter(f -> f.toFile().length() > 100_000).toList();
                } catch (IOException gone) {
                    return List.<Path>of();
                }
            }, found -> found.size() == 1);
            assertFalse(old.contains(made.get(0)) || made.contains(recent), made.toString());
        }
    }

    @Test
    void workerFilesAndSecretsStayPrivate() throws Exception {
        Path cacheHome = dir.resolve("xdg");
        // Another user's file at the name the workers' class data archive used to have in /tmp.
        Path planted = Path.of(System.getProperty("java.io.tmpdir"), "threadbook-worker-25-" + System.getProperty("user.name") + ".jsa");
        boolean plantedHere = !Files.exists(planted);
        if (plantedHere) {
            Files.writeString(planted, "not a class data archive");
            runAsRoot("chown", "nobody", planted.toString());
        }
        try (KernelProcess kernel = start(Map.of("XDG_CACHE_HOME", cacheHome.toString()), null, JDK25);
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            KernelClient.Execution e = client.execute("""
                    WorkerPool pool = new WorkerPool(2);
                    pool.awaitReady();
                    System.out.println(pool.map(x -> x * 2, List.of(1, 2, 3)));""", Duration.ofSeconds(120));
            assertEquals("ok", e.status(), String.valueOf(e.error()));
            assertEquals("[2, 4, 6]\n", e.stdout());

            Path folder = cacheHome.resolve("threadbook");
            assertTrue(Files.isDirectory(folder), "the private folder exists: " + folder);
            assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));

            List<String> commandLines = new ArrayList<>();
            commandLines.add(commandLine(kernel.process.toHandle()));
            kernel.descendants().forEach(p -> commandLines.add(commandLine(p)));
            List<String> workers = commandLines.stream().filter(c -> c.contains("threadbook.workers.WorkerMain")).toList();
            // The pool's two, and pre-started spares if some are starting already (same command line).
            assertTrue(workers.size() >= 2, "two workers: " + commandLines);
            for (String worker : workers) {
                assertTrue(Pattern.compile("-XX:SharedArchiveFile=" + Pattern.quote(folder.toString()) + "/worker-25-[0-9a-f]+\\.jsa ")
                        .matcher(worker).find(), worker);
                assertTrue(worker.contains("-XX:ErrorFile=" + folder), worker);
                assertFalse(worker.contains(planted.toString()), worker);
            }
            Pattern secretLike = Pattern.compile("[0-9a-fA-F]{32,}|token|secret");
            for (String c : commandLines) {
                assertFalse(secretLike.matcher(c).find(), "no secret on a command line: " + c);
            }
            client.execute("pool.close();");
        } finally {
            if (plantedHere) {
                assertEquals("not a class data archive", Files.readString(planted), "the planted file was left alone");
                Files.deleteIfExists(planted);
            }
        }
    }

    @Test
    void aCrashLogNeverLandsNextToTheNotebooks() throws Exception {
        Path notebooks = Files.createDirectories(dir.resolve("notebooks"));
        Path cacheHome = dir.resolve("xdg");
        try (KernelProcess kernel = start(Map.of("XDG_CACHE_HOME", cacheHome.toString()), notebooks, null);
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            String crash = """
                    java.lang.reflect.Field f = sun.misc.Unsafe.class.getDeclaredField("theUnsafe");
                    f.setAccessible(true);
                    ((sun.misc.Unsafe) f.get(null)).putAddress(0, 42);""";
            client.execute("void crash() throws Exception {\n" + crash + "\n}");
            KernelClient.Execution worker = client.execute(
                    "WorkerProcess w = new WorkerProcess(() -> { try { crash(); } catch (Exception e) { } }).start(); w.join();"
                    + " System.out.println(\"worker ended \" + w.exitCode());", Duration.ofSeconds(120));
            assertEquals("ok", worker.status(), String.valueOf(worker.error()));
            KernelClient.Execution agent = client.execute("crash();", Duration.ofSeconds(120));
            assertEquals("error", agent.status(), "the Java process crashed");
            assertEquals("2", client.execute("1 + 1").result(), "a fresh session runs on");
            try (Stream<Path> next = Files.list(notebooks)) {
                assertEquals(List.of(), next.toList(), "nothing written next to the notebooks");
            }
            try (Stream<Path> cached = Files.list(cacheHome.resolve("threadbook"))) {
                long logs = cached.filter(p -> p.getFileName().toString().startsWith("hs_err_pid")).count();
                assertEquals(2, logs, "the crash logs of the worker and of the agent are in the private folder");
            }
        }
    }

    /** A cell's output and a line typed into an input box reach the right places, and only them. */
    private static void assertTheSessionIsIntact(KernelClient client, Attacker attacker) throws Exception {
        KernelClient.Execution first = client.execute("System.out.println(\"hello from the victim\");");
        assertEquals("ok", first.status(), String.valueOf(first.error()));

        JsonObject content = new JsonObject();
        content.addProperty("code", "System.out.print(\"Password: \");\n"
                + "String typed = new java.util.Scanner(System.in).nextLine();\n"
                + "System.out.println(typed.equals(\"" + PASSWORD + "\") ? \"the password arrived\" : \"wrong: \" + typed);");
        content.addProperty("silent", false);
        content.addProperty("store_history", true);
        content.add("user_expressions", new JsonObject());
        content.addProperty("allow_stdin", true);
        content.addProperty("stop_on_error", true);
        String id = client.send(client.shell, "execute_request", content);
        Message request = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (request == null && System.nanoTime() < deadline) {
            Message m = client.receive(client.stdin, Duration.ofMillis(500));
            if (m != null && m.type().equals("input_request")) {
                request = m;
            }
        }
        assertNotNull(request, "the kernel asked for the line typed (no input request came): " + attacker);
        JsonObject answer = new JsonObject();
        answer.addProperty("value", PASSWORD);
        client.send(client.stdin, "input_reply", answer);
        Message reply = client.reply(client.shell, id, Duration.ofSeconds(60));
        List<Message> iopub = client.iopubUntilIdle(id, Duration.ofSeconds(10));
        KernelClient.Execution second = new KernelClient.Execution(reply, iopub);
        assertEquals("ok", second.status(), String.valueOf(second.error()));

        assertEquals("hello from the victim\n", first.stdout(), "the cell shows its own output, and only that: " + attacker);
        // "Password: " is either the input box's prompt (taken from the unfinished line) or, if the agent had
        // flushed that partial line before the read, the start of the cell's output: nothing else may be there.
        String prompt = request.contentString("prompt", "");
        String shown = second.stdout().startsWith("Password: ") ? second.stdout() : prompt + second.stdout();
        assertEquals("Password: the password arrived\n", shown, "only the user's output: " + attacker);
        String passwordHex = HexFormat.of().formatHex(PASSWORD.getBytes(StandardCharsets.UTF_8));
        assertTrue(attacker.lines().stream().noneMatch(l -> l.contains(passwordHex)),
                "the typed line never reached the attacker: " + attacker);
        assertTrue(attacker.lines().stream().noneMatch(l -> l.contains(" RECEIVED ")),
                "the attacker received nothing from the kernel: " + attacker);
        System.out.println(attacker);
    }

    private KernelProcess start(Map<String, String> env, Path workDir, Path javaHome) throws IOException {
        return KernelProcess.start(UUID.randomUUID().toString(), env, workDir, javaHome);
    }

    private static String commandLine(ProcessHandle p) {
        try {
            return new String(Files.readAllBytes(Path.of("/proc", Long.toString(p.pid()), "cmdline")), StandardCharsets.UTF_8)
                    .replace('\0', ' ');
        } catch (IOException e) {
            return ""; // ended meanwhile
        }
    }

    private static void runAsRoot(String... command) throws Exception {
        Process p = new ProcessBuilder(command).inheritIO().start();
        assertEquals(0, p.waitFor(), String.join(" ", command));
    }

    /** The attacker's process: as the uid {@code user} (null: the victim's own), watching one kernel's agent. */
    private static final class Attacker implements AutoCloseable {
        private final Process process;
        private final List<String> lines = new ArrayList<>();

        private Attacker(Process process) {
            this.process = process;
            Thread reader = new Thread(() -> {
                try (BufferedReader r = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line = r.readLine(); line != null; line = r.readLine()) {
                        synchronized (lines) {
                            lines.add(line);
                            lines.notifyAll();
                        }
                    }
                } catch (IOException ignored) {
                    // the attacker ended
                }
            }, "attacker-output");
            reader.setDaemon(true);
            reader.start();
        }

        static Attacker start(KernelProcess kernel, String user, String mode, String... targets) throws IOException {
            String script;
            try (InputStream in = LocalAttackIT.class.getResourceAsStream("/threadbook/attacker.py")) {
                script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            }
            List<String> command = new ArrayList<>();
            if (user != null) {
                // setpriv runs the attacker itself (no process in between), so destroy() reaches it.
                command.addAll(List.of("setpriv", "--reuid=" + user, "--regid=" + user, "--clear-groups"));
            }
            // The script goes on the command line: the test's files may not be readable by that user.
            command.addAll(List.of("/usr/bin/python3", "-c", script, "120", Long.toString(kernel.process.pid()), mode));
            command.addAll(List.of(targets));
            return new Attacker(new ProcessBuilder(command).redirectErrorStream(true).start());
        }

        List<String> lines() {
            synchronized (lines) {
                return List.copyOf(lines);
            }
        }

        boolean awaitLine(String start, Duration timeout) throws InterruptedException {
            return awaitLine(timeout, start);
        }

        /** Waits for a line that starts with one of {@code starts}. */
        boolean awaitLine(Duration timeout, String... starts) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (lines.stream().noneMatch(l -> Stream.of(starts).anyMatch(l::startsWith))) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return false;
                    }
                    lines.wait(left);
                }
                return true;
            }
        }

        /** Waits until {@code count} lines contain {@code part}. */
        boolean awaitCount(String part, int count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            synchronized (lines) {
                while (lines.stream().filter(l -> l.contains(part)).count() < count) {
                    long left = (deadline - System.nanoTime()) / 1_000_000;
                    if (left <= 0) {
                        return false;
                    }
                    lines.wait(left);
                }
                return true;
            }
        }

        @Override
        public void close() throws InterruptedException {
            process.destroy();
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        }

        @Override
        public String toString() {
            return "attacker said " + lines();
        }
    }
}
