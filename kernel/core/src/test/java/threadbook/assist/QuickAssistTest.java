package threadbook.assist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.junit.jupiter.api.Test;

/** Answers without a Java session, from this JDK's module image and reflection (the kernel's own JDK). */
class QuickAssistTest {
    private static final QuickAssist QUICK = QuickAssist.forNotebook();

    private static List<String> complete(String code) {
        return QUICK.complete(code, code.length(), List.of("fetchAll")).matches();
    }

    @Test
    void classesOfTheImportedPackagesAndKeywords() {
        // The index is built in the background: a first request may come before it (then keywords only).
        QUICK.awaitIndex();
        List<String> str = complete("Str");
        assertTrue(str.containsAll(List.of("String", "StringBuilder", "Stream", "StrictMath")), str.toString());
        assertTrue(str.indexOf("String") < str.indexOf("StringBuilder"), str.toString());
        assertTrue(complete("Thre").containsAll(List.of("Thread", "ThreadLocal", "ThreadLocalRandom")), complete("Thre").toString());
        assertTrue(complete("Compl").contains("CompletableFuture"), "java.util.concurrent");
        assertTrue(complete("AtomicI").contains("AtomicInteger"), "java.util.concurrent.atomic");
        assertTrue(complete("Progr").contains("Progress"), "Threadbook's API");
        assertTrue(complete("disp").contains("display("), "Notebook's static methods");
        assertTrue(complete("synch").contains("synchronized"));
        assertTrue(complete("fetch").contains("fetchAll"), "the notebook's definitions");
        // Not public: not offered.
        assertFalse(complete("ImmutableColl").contains("ImmutableCollections"), complete("ImmutableColl").toString());
    }

    @Test
    void namesInTheCodeAreOffered() {
        String code = "int counterOfTasks = 0;\ncounterOf";
        CodeAssist.Completion c = QUICK.complete(code, code.length(), List.of());
        assertEquals(List.of("counterOfTasks"), c.matches());
        assertEquals(code.length() - "counterOf".length(), c.start());
    }

    @Test
    void staticMembersAfterATypeAndClassesAfterAPackage() {
        assertTrue(complete("Thread.sl").contains("sleep("), complete("Thread.sl").toString());
        assertTrue(complete("Integer.MAX").contains("MAX_VALUE"));
        assertTrue(complete("java.util.concurrent.Executor").containsAll(List.of("Executors", "ExecutorService")));
        assertTrue(complete("someVariable.").isEmpty(), "the type of an undeclared variable is unknown without the session");
    }

    @Test
    void membersOfAVariableTheCodeDeclaresWithAJdkType() {
        assertTrue(complete("String greeting = \"hi\"; greeting.toUpperCas").contains("toUpperCase("));
        assertTrue(complete("List<Integer> xs = new ArrayList<>();\nxs.ad").containsAll(List.of("add(", "addAll(")),
                complete("List<Integer> xs = new ArrayList<>();\nxs.ad").toString());
        assertTrue(complete("var latch = new CountDownLatch(2);\nlatch.countD").contains("countDown("));
        assertTrue(complete("void f(java.util.concurrent.ExecutorService pool) { pool.shut").contains("shutdown("));
        assertFalse(complete("String s = \"\"; s.valueO").contains("valueOf("), "static members are not offered on an instance");
    }

    @Test
    void membersOfAStaticFieldOfAJdkType() {
        List<String> println = complete("System.out.pr");
        assertTrue(println.contains("println(") && println.contains("printf("), println.toString());
        assertTrue(complete("System.err.fl").contains("flush("));
        assertTrue(complete("System.nosuchfield.x").isEmpty());
    }

    @Test
    void inspectGivesTheDeclaration() {
        assertTrue(QUICK.inspect("Str|ing".replace("|", ""), 3).text().startsWith("public final class java.lang.String"),
                QUICK.inspect("String", 3).text());
        CodeAssist.Inspection sleep = QUICK.inspect("Thread.sleep(10)", 9);
        assertTrue(sleep.text().contains("static void java.lang.Thread.sleep(long) throws java.lang.InterruptedException"),
                sleep.text());
        assertTrue(sleep.markdown().startsWith("```java\n"), sleep.markdown());
        assertFalse(QUICK.inspect("nothingKnown", 3).found());
    }

    @Test
    void isCompleteFromBracketsAndComments() {
        assertEquals("complete", QUICK.isComplete("int x = 1;").status());
        assertEquals("incomplete", QUICK.isComplete("void f() {").status());
        assertEquals("    ", QUICK.isComplete("void f() {").indent());
        assertEquals("incomplete", QUICK.isComplete("/* a comment").status());
        assertEquals("invalid", QUICK.isComplete("}").status());
    }
}
