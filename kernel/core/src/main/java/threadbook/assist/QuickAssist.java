package threadbook.assist;

import java.lang.reflect.Field;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Completion, inspection and "is this cell finished?" from what the kernel knows without a Java
 * session: Java's keywords, the classes of the packages every cell imports (listed from the JDK's own
 * module image), their static members (by reflection in the kernel's JVM, which has the same JDK),
 * Threadbook's API and the names the notebook uses. It answers at once while the session starts, which
 * takes seconds on a busy machine; a frontend gives up on a completion after about a second.
 */
public final class QuickAssist {
    private static final Logger LOG = Logger.getLogger(QuickAssist.class.getName());

    static final List<String> KEYWORDS = List.of("abstract", "assert", "boolean", "break", "byte", "case", "catch",
            "char", "class", "continue", "default", "do", "double", "else", "enum", "extends", "false", "final",
            "finally", "float", "for", "if", "implements", "import", "instanceof", "int", "interface", "long", "new",
            "null", "package", "private", "protected", "public", "record", "return", "short", "static", "super",
            "switch", "synchronized", "this", "throw", "throws", "transient", "true", "try", "var", "void",
            "volatile", "while", "yield");

    private static final Pattern IDENTIFIER = Pattern.compile("\\b[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*\\b");
    private static final String NOT_YET = "(The Java session is still starting: ask again in a few seconds for the full documentation.)";

    /**
     * Simple name to fully qualified name, for the classes every cell can name without an import, and
     * the static imports' methods. Filled while it is built, java.lang first: a request meanwhile uses
     * what is there.
     */
    private record Index(Map<String, String> classes, List<String> staticImports) {}

    private final Index index = new Index(new java.util.concurrent.ConcurrentHashMap<>(), new java.util.concurrent.CopyOnWriteArrayList<>());
    private final CompletableFuture<Void> built = new CompletableFuture<>();
    private final List<String> packages;

    private final java.util.concurrent.atomic.AtomicBoolean indexing = new java.util.concurrent.atomic.AtomicBoolean();
    private final Thread warmUp;

    /**
     * For the classes of {@code packages} (e.g. "java.util.concurrent") and the public static methods of
     * {@code staticImports} (classes imported with import static). Warms up at once in the background, so
     * that a first request is answered as fast as later ones; lists the packages' classes only on the
     * first request: most sessions get none before they are ready, and the listing (a few hundred ms of
     * CPU) would slow their start on a machine with few cores.
     */
    public QuickAssist(List<String> packages, List<String> staticImports) {
        this.packages = List.copyOf(packages);
        warmUp = new Thread(() -> {
            try {
                addStaticImports(staticImports, index);
                // A cold request takes several times as long as a warm one.
                complete("Str", 3, List.of());
                inspect("Thread.sleep", 8);
                isComplete("{");
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "could not list the JDK's classes for completion", e);
            }
        }, "threadbook-completion-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
    }

    private void startIndex() {
        if (Thread.currentThread() == warmUp || !indexing.compareAndSet(false, true)) {
            return;
        }
        Thread t = new Thread(() -> {
            long t0 = System.nanoTime();
            try {
                addPackages(packages, index);
                LOG.info(() -> String.format("class index for completion built in %.0f ms: %d classes",
                        (System.nanoTime() - t0) / 1e6, index.classes().size()));
            } catch (RuntimeException | LinkageError e) {
                LOG.log(Level.WARNING, "could not list the JDK's classes for completion", e);
            } finally {
                built.complete(null);
            }
        }, "threadbook-class-index");
        t.setDaemon(true);
        t.start();
    }

    /** For the imports every session starts with (see StartupImports). */
    public static QuickAssist forNotebook() {
        List<String> packages = new ArrayList<>(List.of("java.lang"));
        packages.addAll(StartupImports.JDK_PACKAGES);
        packages.addAll(StartupImports.API_PACKAGES);
        return new QuickAssist(packages, StartupImports.STATIC_CLASSES);
    }

    /** The index, waiting at most {@code millis} for it to be complete (it is used as it is then). */
    private Index index(long millis) {
        startIndex();
        try {
            built.get(millis, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException | java.util.concurrent.ExecutionException e) {
            // use what is there
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return index;
    }

    /** Blocks until the index is complete (for tests and measurements). */
    public void awaitIndex() {
        startIndex();
        built.join();
        try {
            warmUp.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void addStaticImports(List<String> staticImports, Index into) {
        for (String className : staticImports) {
            load(className).ifPresent(c -> {
                for (Method m : c.getMethods()) {
                    if (Modifier.isStatic(m.getModifiers())) {
                        into.staticImports().add(m.getName() + "(");
                    }
                }
            });
        }
    }

    private static void addPackages(List<String> packages, Index into) {
        for (String pkg : packages) {
            for (String simple : PackageClasses.publicIn(pkg, "")) {
                // java.lang (listed first) wins over a star import of the same simple name, as in Java.
                into.classes().putIfAbsent(simple, pkg + "." + simple);
            }
        }
    }

    private static Optional<Class<?>> load(String className) {
        try {
            return Optional.of(Class.forName(className, false, QuickAssist.class.getClassLoader()));
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * Suggestions at {@code cursor}: after "Type." the static members of a JDK type, after "a.package."
     * its classes, else keywords, classes, Threadbook's functions and the names in the code and in
     * {@code notebookNames}.
     */
    public CodeAssist.Completion complete(String code, int cursor, Collection<String> notebookNames) {
        int start = cursor;
        while (start > 0 && Character.isJavaIdentifierPart(code.charAt(start - 1))) {
            start--;
        }
        String prefix = code.substring(start, cursor);
        Index idx = index(10);
        Set<String> found = new TreeSet<>(Comparator.comparing((String s) -> s.toLowerCase(java.util.Locale.ROOT)).thenComparing(s -> s));
        if (start > 0 && code.charAt(start - 1) == '.') {
            int[] name = CodeAssist.nameAround(code, start - 1);
            String qualifier = code.substring(name[0], start - 1);
            Optional<Class<?>> type = resolve(qualifier, idx);
            Optional<Class<?>> variable = type.isPresent() ? Optional.empty() : declaredType(code, qualifier, idx);
            if (type.isEmpty() && variable.isEmpty()) {
                variable = staticFieldType(qualifier, idx);
            }
            if (type.isPresent()) {
                staticMembers(type.get()).filter(m -> m.startsWith(prefix)).forEach(found::add);
            } else if (variable.isPresent()) {
                instanceMembers(variable.get()).filter(m -> m.startsWith(prefix)).forEach(found::add);
            } else if (qualifier.matches("[a-z][\\w.]*")) {
                found.addAll(PackageClasses.publicIn(qualifier, prefix));
            }
            return new CodeAssist.Completion(new ArrayList<>(found), start, cursor);
        }
        if (prefix.isEmpty()) {
            return new CodeAssist.Completion(List.of(), start, cursor);
        }
        Stream.of(KEYWORDS, idx.classes().keySet(), idx.staticImports(), notebookNames)
                .flatMap(Collection::stream).filter(s -> s.startsWith(prefix)).forEach(found::add);
        if (!built.isDone()) {
            // Not listed yet (it takes seconds beside a starting session on a busy machine): only the
            // classes with this prefix, which is a few class files to read.
            for (String pkg : packages) {
                found.addAll(PackageClasses.publicIn(pkg, prefix));
            }
        }
        Matcher words = IDENTIFIER.matcher(code);
        while (words.find()) {
            // The word being typed is not a suggestion for itself.
            if (words.start() != start && words.group().startsWith(prefix) && !words.group().equals(prefix)) {
                found.add(words.group());
            }
        }
        return new CodeAssist.Completion(new ArrayList<>(found), start, cursor);
    }

    private Optional<Class<?>> resolve(String name, Index idx) {
        if (name.isEmpty()) {
            return Optional.empty();
        }
        String fqn = idx.classes().get(name);
        if (fqn != null) {
            return load(fqn);
        }
        if (name.contains(".")) {
            return load(name).filter(c -> Modifier.isPublic(c.getModifiers()));
        }
        // The index may not be built yet: look in the imported packages one by one (in Java's order).
        for (String pkg : packages) {
            Optional<Class<?>> c = load(pkg + "." + name).filter(t -> Modifier.isPublic(t.getModifiers()));
            if (c.isPresent()) {
                return c;
            }
        }
        return Optional.empty();
    }

    /**
     * The type of a variable the code declares with a class type ({@code String s = ...},
     * {@code List<Integer> xs;}, {@code var m = new HashMap<...>()}), when it is a JDK class.
     */
    private Optional<Class<?>> declaredType(String code, String variable, Index idx) {
        if (!variable.matches("[\\p{javaJavaIdentifierStart}][\\p{javaJavaIdentifierPart}]*")) {
            return Optional.empty();
        }
        String name = Pattern.quote(variable);
        Matcher typed = Pattern.compile("(?:^|[;{}(,\\s])([A-Z][\\w.]*|[a-z][\\w]*(?:\\.[\\w]+)+)(?:<[^;=(){}]*>)?\\s+" + name + "\\s*[=;,):]")
                .matcher(code);
        Matcher inferred = Pattern.compile("\\bvar\\s+" + name + "\\s*=\\s*new\\s+([\\w.]+)").matcher(code);
        String type = typed.find() ? typed.group(1) : inferred.find() ? inferred.group(1) : null;
        return type == null ? Optional.empty() : resolve(type, idx);
    }

    /**
     * The type of a JDK class's public static field named {@code Type.field} ({@code System.out}): what a
     * student types first, {@code System.out.pr}, completes before the session is up.
     */
    private Optional<Class<?>> staticFieldType(String qualifier, Index idx) {
        int dot = qualifier.lastIndexOf('.');
        if (dot <= 0) {
            return Optional.empty();
        }
        String fieldName = qualifier.substring(dot + 1);
        return resolve(qualifier.substring(0, dot), idx).flatMap(owner -> {
            try {
                Field f = owner.getField(fieldName);
                return Modifier.isStatic(f.getModifiers()) ? Optional.of(f.getType()) : Optional.empty();
            } catch (NoSuchFieldException | SecurityException e) {
                return Optional.empty();
            }
        });
    }

    private static Stream<String> instanceMembers(Class<?> type) {
        Stream<String> methods = Stream.of(type.getMethods()).filter(m -> !Modifier.isStatic(m.getModifiers())).map(m -> m.getName() + "(");
        Stream<String> fields = Stream.of(type.getFields()).filter(f -> !Modifier.isStatic(f.getModifiers())).map(Field::getName);
        return Stream.concat(methods, fields);
    }

    private static Stream<String> staticMembers(Class<?> type) {
        Stream<String> methods = Stream.of(type.getMethods()).filter(m -> Modifier.isStatic(m.getModifiers())).map(m -> m.getName() + "(");
        Stream<String> fields = Stream.of(type.getFields()).filter(f -> Modifier.isStatic(f.getModifiers())).map(Field::getName);
        Stream<String> nested = Stream.of(type.getClasses()).map(Class::getSimpleName);
        return Stream.of(methods, fields, nested, Stream.of("class")).flatMap(s -> s);
    }

    /** The declaration of the JDK class or static member named at {@code cursor}, without its javadoc. */
    public CodeAssist.Inspection inspect(String code, int cursor) {
        int[] range = CodeAssist.nameAround(code, cursor);
        String name = code.substring(range[0], range[1]);
        if (name.isEmpty()) {
            return CodeAssist.Inspection.NONE;
        }
        Index idx = index(10);
        List<String> declarations = new ArrayList<>();
        Optional<Class<?>> type = resolve(name, idx);
        if (type.isPresent()) {
            declarations.add(type.get().toGenericString());
        } else if (name.contains(".")) {
            String member = name.substring(name.lastIndexOf('.') + 1);
            resolve(name.substring(0, name.lastIndexOf('.')), idx).ifPresent(owner -> {
                for (Method m : owner.getMethods()) {
                    if (m.getName().equals(member)) {
                        declarations.add(m.toGenericString().replace("native ", ""));
                    }
                }
                for (Field f : owner.getFields()) {
                    if (f.getName().equals(member)) {
                        declarations.add(f.toGenericString());
                    }
                }
            });
        }
        if (declarations.isEmpty()) {
            return CodeAssist.Inspection.NONE;
        }
        declarations.sort(Comparator.naturalOrder());
        String joined = String.join("\n", declarations);
        return new CodeAssist.Inspection(joined + "\n\n" + NOT_YET, "```java\n" + joined + "\n```\n\n*" + NOT_YET + "*");
    }

    /** From brackets, strings and comments alone: a cell with an open bracket or comment is incomplete. */
    public CodeAssist.Completeness isComplete(String code) {
        int[] state = CodeAssist.scan(code);
        if (state[1] != 0) {
            return new CodeAssist.Completeness("incomplete", "");
        }
        if (state[0] > 0) {
            return new CodeAssist.Completeness("incomplete", "    ".repeat(state[0]));
        }
        return new CodeAssist.Completeness(state[0] < 0 ? "invalid" : "complete", "");
    }
}
