package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.protocol.Message;

/**
 * complete, inspect and is_complete over ZeroMQ: asked the moment a fresh kernel answered kernel_info
 * (its Java session still starting, as when JupyterLab opens a notebook), and after.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class AssistanceIT {
    /** What the kernel logs (INFO) when its Java session has started, before any request may use it. */
    private static final String SESSION_READY = "Java session ready in";

    private KernelProcess kernel;
    private KernelClient client;
    private Message str;
    private Message thre;
    private Message sleepMembers;
    private Message variableMembers;
    private Message incomplete;
    private Message earlyInspect;
    private long completionMillis;
    private long answeredMillis;
    private long sessionMillis;
    /** For each of the six answers, in order: whether the kernel had logged its session ready when it came. */
    private final List<Boolean> sessionReadyAtAnswer = new ArrayList<>();

    /**
     * JShell shows a JDK method's javadoc from the JDK's lib/src.zip: the kernel runs on a JDK that has
     * it (Debian's JDK 17 has it only with openjdk-17-source; Temurin's has it).
     */
    static Path jdkWithSources() throws IOException {
        Path own = Path.of(System.getProperty("java.home"));
        if (Files.isRegularFile(own.resolve("lib/src.zip"))) {
            return own;
        }
        try (Stream<Path> jdks = Files.list(Path.of("/usr/lib/jvm"))) {
            return jdks.filter(j -> Files.isRegularFile(j.resolve("lib/src.zip")) && Files.isExecutable(j.resolve("bin/java")))
                    .max(Comparator.naturalOrder())
                    .orElseThrow(() -> new AssertionError("no JDK with lib/src.zip (the JDK's sources, where JShell reads javadoc)"
                            + " in " + own + " or /usr/lib/jvm: install openjdk-17-source or a JDK that ships it"));
        }
    }

    /** Starts a kernel and asks at once, as a frontend does; the answers are checked by the tests below. */
    @BeforeAll
    void startAndAskAtOnce() throws IOException {
        kernel = KernelProcess.start(jdkWithSources(), UUID.randomUUID().toString(), Map.of());
        client = kernel.client();
        Message info = null;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (info == null && System.nanoTime() < deadline) {
            try {
                info = client.reply(client.shell, client.send(client.shell, "kernel_info_request", new JsonObject()), Duration.ofSeconds(2));
            } catch (AssertionError notYet) {
                // the kernel's sockets are not bound yet
            }
        }
        assertTrue(info != null, "kernel_info_reply");
        long t0 = System.nanoTime();
        str = askNoting("complete_request", "Str", 0);
        completionMillis = (System.nanoTime() - t0) / 1_000_000;
        thre = askNoting("complete_request", "Thread t = new Thre", 0);
        sleepMembers = askNoting("complete_request", "Thread.sl", 0);
        variableMembers = askNoting("complete_request", "String greeting = \"hi\"; greeting.toUpperCas", 0);
        incomplete = askNoting("is_complete_request", "for (int i = 0; i < 3; i++) {", 0);
        earlyInspect = askNoting("inspect_request", "Thread.sl|eep(10);", 0);
        answeredMillis = (System.nanoTime() - t0) / 1_000_000;
        Message ran = client.reply(client.shell, client.executeAsync("1 + 1"), Duration.ofSeconds(120));
        sessionMillis = (System.nanoTime() - t0) / 1_000_000;
        assertEquals("ok", ran.contentString("status", ""));
        assertTrue(kernel.log().contains(SESSION_READY), "the kernel logs '" + SESSION_READY + "':\n" + kernel.log());
        System.out.printf("fresh kernel: kernel_info_reply -> complete_reply %d ms; six requests answered in %d ms, %d of"
                + " them before the session was ready; the first cell ran after %d ms (the Java session's start)%n",
                completionMillis, answeredMillis, sessionReadyAtAnswer.stream().filter(ready -> !ready).count(), sessionMillis);
    }

    @AfterAll
    void stop() {
        client.close();
        kernel.close();
    }

    /** Asks, and notes whether the kernel had logged its session ready by the time the answer came. */
    private Message askNoting(String type, String codeWithBar, int detailLevel) {
        Message answer = ask(type, codeWithBar, detailLevel);
        sessionReadyAtAnswer.add(kernel.log().contains(SESSION_READY));
        return answer;
    }

    private Message ask(String type, String codeWithBar, int detailLevel) {
        JsonObject c = new JsonObject();
        int cursor = codeWithBar.indexOf('|');
        String code = codeWithBar.replace("|", "");
        c.addProperty("code", code);
        c.addProperty("cursor_pos", cursor < 0 ? code.length() : cursor);
        c.addProperty("detail_level", detailLevel);
        return client.reply(client.shell, client.send(client.shell, type, c), Duration.ofSeconds(60));
    }

    private static String matches(Message completion) {
        return completion.content().get("matches").toString();
    }

    private static String text(Message inspection) {
        JsonObject data = inspection.content().getAsJsonObject("data");
        return data.has("text/plain") ? data.get("text/plain").getAsString() : "(nothing found)";
    }

    /**
     * JupyterLab asks for completions as soon as the kernel answered kernel_info and drops a reply that
     * takes more than about a second; the Java session takes seconds to start on a busy machine.
     */
    @Test
    void whileTheSessionStartsTheAnswersDoNotWaitForIt() {
        assertTrue(matches(str).contains("\"String\""), matches(str));
        assertTrue(matches(thre).contains("\"Thread\""), matches(thre));
        assertEquals("Thread t = new ".length(), thre.content().get("cursor_start").getAsInt());
        assertTrue(matches(sleepMembers).contains("\"sleep(\""), matches(sleepMembers));
        assertTrue(matches(variableMembers).contains("\"toUpperCase(\""), matches(variableMembers));
        assertEquals("incomplete", incomplete.contentString("status", ""));
        assertTrue(text(earlyInspect).contains("java.lang.Thread.sleep(long)"), text(earlyInspect));
        // The kernel logs its session ready before it hands the session out, so an answer that came while the
        // log did not say so did not wait for the session. Only the first is asked to: on a loaded machine the
        // session may be ready before the sixth (the figures are printed).
        assertFalse(sessionReadyAtAnswer.get(0), "the first completion came after the session started (answered in "
                + completionMillis + " ms; the first cell ran after " + sessionMillis + " ms):\n" + kernel.log());
    }

    @Test
    void onceTheSessionRunsCompletionUsesItsAnalysis() {
        client.execute("int warm = 1;");
        long t0 = System.nanoTime();
        Message member = ask("complete_request", "String s = \"x\"; s.toUpp", 0);
        System.out.printf("first completion by JShell's analysis: %d ms%n", (System.nanoTime() - t0) / 1_000_000);
        assertTrue(matches(member).contains("toUpperCase("), "a variable's type is known now: " + matches(member));
    }

    @Test
    void inspectFindsTheWholeNameAroundTheCursor() {
        client.execute("int warm = 1;");
        Message string = ask("inspect_request", "Str|ing s = \"x\";", 0);
        assertTrue(string.content().get("found").getAsBoolean(), string.content().toString());
        assertTrue(text(string).startsWith("java.lang.String"), text(string));
        assertTrue(text(ask("inspect_request", "Thread.sl|eep(100);", 0)).contains("sleep(long"));
        assertTrue(text(ask("inspect_request", "var m = new java.util.Hash|Map<String, Integer>();", 0)).startsWith("java.util.HashMap"));
    }

    @Test
    void javadocComesAsMarkdownAndAsUnwrappedText() {
        client.execute("int warm = 1;");
        Message sleep = ask("inspect_request", "Thread.sle|ep(100);", 0);
        JsonObject data = sleep.content().getAsJsonObject("data");
        String text = data.get("text/plain").getAsString();
        String markdown = data.get("text/markdown").getAsString();
        // In the JDK's source this sentence is wrapped after "the": here it is one line the panel wraps.
        assertTrue(text.contains("Causes the currently executing thread to sleep (temporarily cease execution)"
                + " for the specified number of milliseconds"), text);
        assertTrue(markdown.startsWith("```java\n") && markdown.contains("sleep(long"), markdown);
        assertTrue(markdown.contains("**Parameters:**\n- `millis` - "), markdown);
        assertTrue(markdown.contains("**Throws:**\n- `InterruptedException` - "), markdown);
    }

    @Test
    void detailLevelOneShowsTheSourceOfWhatTheNotebookDefined() {
        assertEquals("ok", client.execute("""
                /** Twice x. */
                int twice(int x) {
                    int doubled = 2 * x; // the body shows at detail level 1
                    return doubled;
                }
                record Point(int x, int y) {
                    Point mirrored() { return new Point(y, x); }
                }""").status());
        String brief = text(ask("inspect_request", "twi|ce(3)", 0));
        assertTrue(brief.contains("twice(int x)"), brief);
        assertFalse(brief.contains("the body shows"), brief);
        Message detailed = ask("inspect_request", "twi|ce(3)", 1);
        JsonObject data = detailed.content().getAsJsonObject("data");
        assertTrue(data.get("text/plain").getAsString().contains("int doubled = 2 * x; // the body shows at detail level 1"),
                data.toString());
        assertTrue(data.get("text/markdown").getAsString().contains("```java\n/** Twice x. */\nint twice(int x) {"), data.toString());
        String type = text(ask("inspect_request", "new Poi|nt(1, 2)", 1));
        assertTrue(type.contains("Point mirrored()"), type);
    }
}
