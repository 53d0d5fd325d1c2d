package threadbook.jshell;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonObject;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.SharedKernel;
import threadbook.protocol.Message;

/**
 * The real kernel with JShell's javac contexts renewed every 3 snippets instead of 400 (see SpentSnippets):
 * across many renewals, the notebook's imports, variables, methods and types stay usable, a redefinition takes
 * effect, a compile error is still told, and completion still knows the notebook's variables.
 */
class SpentSnippetsIT extends SharedKernel {

    @Override
    protected Map<String, String> environment() {
        return Map.of("THREADBOOK_RENEW_COMPILER_EVERY", "3", "THREADBOOK_LOG", "FINE");
    }

    @Test
    void theNotebooksDefinitionsOutliveTheCompilersRenewals() {
        ok(client.execute("""
                import java.util.concurrent.atomic.*;
                AtomicInteger hits = new AtomicInteger();
                int twice(int n) { return 2 * n; }
                record Box(int v) {}"""));
        for (int i = 1; i <= 12; i++) {
            ok(client.execute("if (hits.get() >= 0) { Runnable r = () -> hits.incrementAndGet(); r.run(); }"));
            KernelClient.Execution value = client.execute("twice(new Box(" + i + ").v())");
            assertEquals(String.valueOf(2 * i), value.result(), String.valueOf(value.error()));
        }
        assertEquals("12", client.execute("hits.get()").result(), "the variable kept its value");

        ok(client.execute("int twice(int n) { return 3 * n; }"));
        assertEquals("6", client.execute("twice(2)").result(), "the method's new definition");

        KernelClient.Execution wrong = client.execute("int y = \"text\";");
        assertEquals("error", wrong.status());
        assertEquals("CompileError", wrong.error().contentString("ename", ""));
        assertEquals("3", client.execute("twice(new Box(1).v())").result(), "the session goes on after the error");

        JsonObject complete = new JsonObject();
        complete.addProperty("code", "hits.incrementAnd");
        complete.addProperty("cursor_pos", "hits.incrementAnd".length());
        Message reply = client.reply(client.shell, client.send(client.shell, "complete_request", complete),
                Duration.ofSeconds(30));
        assertTrue(reply.content().getAsJsonArray("matches").toString().contains("incrementAndGet"), reply.content().toString());

        long renewals = kernel.log().lines().filter(l -> l.contains("JShell's compiler renewed")).count();
        assertTrue(renewals >= 10, "the compiler was renewed every 3 snippets: " + renewals + " times in the log");
    }

    private static void ok(KernelClient.Execution e) {
        assertEquals("ok", e.status(), String.valueOf(e.error()));
    }
}
