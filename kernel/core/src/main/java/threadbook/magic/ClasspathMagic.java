package threadbook.magic;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import threadbook.jshell.CellResult;

/** %classpath PATH... adds jars or class folders; %jars GLOB adds the jars a glob matches. */
final class ClasspathMagic implements Magic {
    private final boolean glob;

    ClasspathMagic(boolean glob) {
        this.glob = glob;
    }

    @Override public String name() { return glob ? "jars" : "classpath"; }
    @Override public Form form() { return Form.LINE; }
    @Override public String summary() {
        return glob ? "add the jars a glob matches, e.g. %jars lib/*.jar" : "add jars or class folders to the session and to worker processes";
    }
    @Override public String usage() { return glob ? "%jars GLOB   e.g. %jars lib/*.jar" : "%classpath PATH [PATH...]   e.g. %classpath lib/tools.jar build/classes"; }

    @Override
    public CellResult run(String args, String body, MagicContext context) throws MagicException {
        if (args.isBlank()) {
            throw new MagicException(glob ? "%jars needs a glob, e.g. %jars lib/*.jar" : "%classpath needs at least one path");
        }
        List<Path> paths = new ArrayList<>();
        for (String arg : args.trim().split("\\s+")) {
            if (glob) {
                paths.addAll(match(arg));
            } else {
                Path p = Path.of(arg).toAbsolutePath().normalize();
                if (!Files.exists(p)) {
                    throw new MagicException("no such file or folder: " + p);
                }
                paths.add(p);
            }
        }
        if (paths.isEmpty()) {
            throw new MagicException("no jar matches " + args);
        }
        context.addToClasspath(paths);
        context.print("Added " + paths.size() + " path" + (paths.size() == 1 ? "" : "s") + " to the class path.\n");
        return CellResult.ok(null);
    }

    private static List<Path> match(String pattern) throws MagicException {
        Path absolute = Path.of(pattern).toAbsolutePath().normalize();
        Path base = absolute;
        while (base.getParent() != null && base.toString().matches(".*[*?\\[{].*")) {
            base = base.getParent();
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + absolute);
        try (Stream<Path> files = Files.walk(base)) {
            return files.filter(f -> matcher.matches(f) && f.toString().endsWith(".jar")).sorted().toList();
        } catch (IOException e) {
            throw new MagicException("cannot list " + base + ": " + e.getMessage());
        }
    }
}
