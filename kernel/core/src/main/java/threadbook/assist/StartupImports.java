package threadbook.assist;

import java.util.ArrayList;
import java.util.List;

/**
 * The imports every notebook starts with, in one place: the Java session compiles them before the first
 * cell, and completion without the session (QuickAssist) answers from the same packages.
 */
public final class StartupImports {
    /** The jshell tool's defaults, and what concurrency lessons use. */
    static final List<String> JDK_PACKAGES = List.of(
            "java.io", "java.math", "java.net", "java.net.http", "java.nio.file", "java.time",
            "java.util", "java.util.concurrent", "java.util.concurrent.atomic",
            "java.util.concurrent.locks", "java.util.function", "java.util.regex", "java.util.stream");
    /** The notebook's own API. */
    static final List<String> API_PACKAGES = List.of("threadbook.api", "threadbook.api.widgets");
    /** Classes whose static members a cell uses by their simple names ({@code display}, {@code slider}...). */
    static final List<String> STATIC_CLASSES = List.of("threadbook.api.Notebook", "threadbook.api.widgets.Widgets");

    private StartupImports() {
    }

    /**
     * What follows {@code import} in each of the startup import statements, the notebook's API first (each
     * package after its class of static members).
     */
    public static List<String> statements() {
        List<String> all = new ArrayList<>();
        for (int i = 0; i < API_PACKAGES.size(); i++) {
            all.add("static " + STATIC_CLASSES.get(i) + ".*");
            all.add(API_PACKAGES.get(i) + ".*");
        }
        JDK_PACKAGES.forEach(p -> all.add(p + ".*"));
        return all;
    }
}
