package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;
import threadbook.client.SharedKernel;

/** %maven against Maven Central (reachable here), end to end, in the session and in worker processes. */
class DependenciesIT extends SharedKernel {

    @Test
    void mavenAddsAnArtifactToTheSessionAndToWorkers() {
        KernelClient.Execution added = client.execute("%maven org.apache.commons:commons-lang3:3.14.0", Duration.ofSeconds(120));
        assertEquals("ok", added.status(), String.valueOf(added.error()));
        assertTrue(added.stdout().contains("commons-lang3-3.14.0.jar"), added.stdout());
        assertEquals("\"cba\"", client.execute("org.apache.commons.lang3.StringUtils.reverse(\"abc\")").result());
        KernelClient.Execution inWorker = client.execute("try (var pool = new WorkerPool(1)) {"
                + " System.out.println(pool.map(s -> org.apache.commons.lang3.StringUtils.capitalize(s), List.of(\"worker\"))); }",
                Duration.ofSeconds(60));
        assertEquals("[Worker]\n", inWorker.stdout(), String.valueOf(inWorker.error()));
    }

    @Test
    void aBadCoordinateSaysSoAndLeavesTheSessionAsItWas() {
        client.execute("int before = 7;");
        KernelClient.Execution missing = client.execute("%maven org.threadbook.nothing:not-here:1.0", Duration.ofSeconds(120));
        assertEquals("error", missing.status());
        assertEquals("DependencyError", missing.error().contentString("ename", ""));
        assertTrue(missing.error().contentString("evalue", "").contains("not-here"), missing.error().content().toString());
        KernelClient.Execution malformed = client.execute("%maven just-a-name");
        assertTrue(malformed.error().contentString("evalue", "").contains("group:artifact:version"));
        assertEquals("7", client.execute("before").result());
    }

    @Test
    void classpathAndJarsAddLocalClassesToTheSessionAndToWorkers() throws Exception {
        java.nio.file.Path dir = java.nio.file.Files.createTempDirectory("tb-classes");
        java.nio.file.Path src = dir.resolve("src/demo/Greeter.java");
        java.nio.file.Files.createDirectories(src.getParent());
        java.nio.file.Files.writeString(src, "package demo; public class Greeter { public static String hi(String n) { return \"hi \" + n; } }");
        java.nio.file.Path classes = dir.resolve("classes");
        assertEquals(0, javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d",
                classes.toString(), src.toString()));
        KernelClient.Execution added = client.execute("%classpath " + classes);
        assertEquals("ok", added.status(), String.valueOf(added.error()));
        assertEquals("\"hi class folder\"", client.execute("demo.Greeter.hi(\"class folder\")").result());

        java.nio.file.Path jar = dir.resolve("lib/tools-1.0.jar");
        java.nio.file.Files.createDirectories(jar.getParent());
        try (var out = new java.util.jar.JarOutputStream(java.nio.file.Files.newOutputStream(jar))) {
            java.nio.file.Path compiled = dir.resolve("more");
            java.nio.file.Path src2 = dir.resolve("src/demo2/Shout.java");
            java.nio.file.Files.createDirectories(src2.getParent());
            java.nio.file.Files.writeString(src2, "package demo2; public class Shout { public static String up(String s) { return s.toUpperCase(); } }");
            javax.tools.ToolProvider.getSystemJavaCompiler().run(null, null, null, "--release", "17", "-d", compiled.toString(), src2.toString());
            out.putNextEntry(new java.util.jar.JarEntry("demo2/Shout.class"));
            out.write(java.nio.file.Files.readAllBytes(compiled.resolve("demo2/Shout.class")));
            out.closeEntry();
        }
        KernelClient.Execution jars = client.execute("%jars " + dir.resolve("lib") + "/*.jar");
        assertTrue(jars.stdout().contains("Added 1 path"), jars.stdout() + jars.error());
        KernelClient.Execution inWorker = client.execute("try (var pool = new WorkerPool(1)) {"
                + " System.out.println(pool.map(s -> demo2.Shout.up(s), List.of(\"jar\"))); }", Duration.ofSeconds(60));
        assertEquals("[JAR]\n", inWorker.stdout(), String.valueOf(inWorker.error()));
        KernelClient.Execution none = client.execute("%jars /nonexistent/*.jar");
        assertEquals("UsageError", none.error().contentString("ename", ""));
    }

    @Test
    void userCodeCanUseAnotherGsonThanTheKernels() {
        client.execute("%maven com.google.code.gson:gson:2.8.9", Duration.ofSeconds(120));
        String where = client.execute("com.google.gson.Gson.class.getProtectionDomain().getCodeSource().getLocation().toString()").result();
        assertTrue(where.contains("gson-2.8.9.jar"), where);
        assertEquals("\"{\\\"a\\\":1}\"", client.execute("new com.google.gson.Gson().toJson(Map.of(\"a\", 1))").result());
    }
}
