package threadbook.jshell;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.util.Map;
import java.util.NavigableMap;
import java.util.logging.Logger;
import jdk.jshell.JShell;
import jdk.jshell.Snippet;

/**
 * Keeps JShell's compiler from slowing down with every snippet it ever compiled. Two things grow there, and
 * every later snippet pays for them at each of its three or four javac tasks:
 * <ul>
 * <li>the class files: JShell keeps every snippet's in its in-memory file manager, and javac lists and enters
 *     all of them into package REPL. Those of spent snippets (a statement's, an expression's, a dropped
 *     {@code $12}'s) are forgotten at once: no later snippet refers to them.
 * <li>javac's symbol table: JShell reuses javac's contexts, and after each task removes the REPL classes
 *     from the table, but javac's {@code Symtab.removeClass} leaves an empty entry under each class's name,
 *     which every later task walks over. Every {@value #DEFAULT_RENEW_EVERY} snippets JShell gets fresh contexts
 *     (the first snippet after it pays for a cold one, about 0.1 s).
 * </ul>
 * Left alone, both make a trivial cell's compile cost grow with the number of cells run before it.
 *
 * <p>JShell has no API for either: its fields are reached by reflection, which needs {@code --add-opens
 * jdk.jshell/jdk.jshell=ALL-UNNAMED} on the kernel's JVM (the kernelspec has it). Without it, or on a JDK whose
 * JShell is built otherwise, nothing is done and cells slow down as before. Declarations (methods, types,
 * variables) are never forgotten: later snippets import them. Called under JShell's evaluation lock: the
 * class-file map is JShell's own, not thread-safe.
 */
final class SpentSnippets {
    private static final Logger LOG = Logger.getLogger(SpentSnippets.class.getName());
    static final int DEFAULT_RENEW_EVERY = 400;
    /** How often JShell gets fresh javac contexts; THREADBOOK_RENEW_COMPILER_EVERY sets it (tests use a few). */
    static final int RENEW_EVERY = renewEvery(System.getenv("THREADBOOK_RENEW_COMPILER_EVERY"));

    private final JShell jshell;
    /** JShell's class files by binary name ("REPL.$JShell$12"); null where it cannot be reached. */
    private final Map<String, ?> classFiles;
    /** Gives JShell fresh javac contexts; null where it cannot be reached. */
    private final Runnable renewCompiler;
    private final int renewEvery;
    private long seen;
    private int renewals;

    SpentSnippets(JShell jshell, int renewEvery) {
        this.jshell = jshell;
        this.renewEvery = renewEvery;
        Object taskFactory = taskFactory(jshell);
        this.classFiles = taskFactory == null ? null : classFiles(taskFactory);
        this.renewCompiler = taskFactory == null ? null : renewal(taskFactory);
    }

    /** How many class files JShell keeps now; -1 where they cannot be reached. */
    int classFiles() {
        return classFiles == null ? -1 : classFiles.size();
    }

    /** How many times JShell got fresh javac contexts. */
    int renewals() {
        return renewals;
    }

    /** After a snippet ran: forgets its class files if it is spent, and renews the compiler when it is time. */
    void forget(Snippet snippet) {
        if (renewCompiler != null && ++seen % renewEvery == 0) {
            renewCompiler.run();
            renewals++;
            LOG.fine(() -> "JShell's compiler renewed after " + seen + " snippets; " + classFiles() + " class files kept");
        }
        if (classFiles == null || !spent(snippet)) {
            return;
        }
        String wrapper;
        try {
            wrapper = jshell.sourceCodeAnalysis().wrapper(snippet).fullClassName();
        } catch (RuntimeException e) {
            return; // nothing was compiled for it
        }
        classFiles.remove(wrapper);
        if (classFiles instanceof NavigableMap<String, ?> sorted) {
            // Its lambdas, anonymous and local classes: "REPL.$JShell$12$1" and the like.
            sorted.subMap(wrapper + "$", true, wrapper + "$\uffff", true).clear();
        } else {
            classFiles.keySet().removeIf(name -> name.startsWith(wrapper + "$"));
        }
    }

    /** A snippet whose class no later snippet refers to: JShell imports only declarations into later ones. */
    private boolean spent(Snippet snippet) {
        return switch (snippet.kind()) {
            case STATEMENT, EXPRESSION -> true;
            case VAR -> ShownValue.holdsShownValue(snippet) && !jshell.status(snippet).isActive();
            default -> false;
        };
    }

    static int renewEvery(String setting) {
        try {
            int n = setting == null ? DEFAULT_RENEW_EVERY : Integer.parseInt(setting.trim());
            return n > 0 ? n : DEFAULT_RENEW_EVERY;
        } catch (NumberFormatException e) {
            return DEFAULT_RENEW_EVERY;
        }
    }

    private static Object taskFactory(JShell jshell) {
        try {
            return field(JShell.class, "taskFactory").get(jshell);
        } catch (ReflectiveOperationException | RuntimeException e) {
            unreachable("JShell's compiler", e);
            return null;
        }
    }

    private static Map<String, ?> classFiles(Object taskFactory) {
        try {
            Object fileManager = field(taskFactory.getClass(), "fileManager").get(taskFactory);
            Object map = field(fileManager.getClass(), "classObjects").get(fileManager);
            if (map instanceof Map<?, ?> found) {
                @SuppressWarnings("unchecked")
                Map<String, ?> byName = (Map<String, ?>) found;
                return byName;
            }
            unreachable("JShell's class files", new IllegalStateException("not a map: " + map));
        } catch (ReflectiveOperationException | RuntimeException e) {
            unreachable("JShell's class files", e);
        }
        return null;
    }

    private static Runnable renewal(Object taskFactory) {
        try {
            Method init = taskFactory.getClass().getDeclaredMethod("initTaskPool");
            init.setAccessible(true);
            return () -> {
                try {
                    init.invoke(taskFactory);
                } catch (ReflectiveOperationException e) {
                    LOG.fine(() -> "JShell's compiler could not be renewed: " + e);
                }
            };
        } catch (ReflectiveOperationException | RuntimeException e) {
            unreachable("JShell's javac contexts", e);
            return null;
        }
    }

    private static void unreachable(String what, Exception e) {
        LOG.fine(() -> what + " cannot be reached (" + e + "): every cell will make the next ones a little slower;"
                + " the kernel's JVM needs --add-opens jdk.jshell/jdk.jshell=ALL-UNNAMED");
    }

    private static Field field(Class<?> owner, String name) throws NoSuchFieldException {
        Field f = owner.getDeclaredField(name);
        f.setAccessible(true);
        return f;
    }
}
