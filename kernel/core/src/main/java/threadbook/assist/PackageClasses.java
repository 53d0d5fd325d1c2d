package threadbook.assist;

import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.objectweb.asm.ClassReader;
import org.objectweb.asm.Opcodes;

/**
 * The public top-level classes of a package, listed from the JDK's module image or from the kernel's own
 * jars, for completion before a Java session is up. Whether a class is public is read from its class
 * file's access flags, which is far cheaper than loading a thousand classes while the session starts
 * beside it.
 */
final class PackageClasses {
    private static final Logger LOG = Logger.getLogger(PackageClasses.class.getName());

    /** Where each package's class files are: looked up once (the module layer's sets are copied on each look). */
    private static final Map<String, List<Path>> FOLDERS = new ConcurrentHashMap<>();

    /** A JDK newer than the class reader is said once in the log, not once a class. */
    private static final AtomicBoolean UNREADABLE_LOGGED = new AtomicBoolean();

    private PackageClasses() {}

    /** The simple names of the public top-level classes of {@code pkg} that start with {@code prefix}. */
    static List<String> publicIn(String pkg, String prefix) {
        List<String> names = new ArrayList<>();
        for (Path dir : FOLDERS.computeIfAbsent(pkg, PackageClasses::findFolders)) {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, prefix + "*.class")) {
                for (Path f : files) {
                    String simple = f.getFileName().toString().replaceFirst("\\.class$", "");
                    if (!simple.contains("$") && !simple.contains("-") && isPublic(f, pkg + "." + simple)) {
                        names.add(simple);
                    }
                }
            } catch (IOException e) {
                // a folder that went away: fewer suggestions
            }
        }
        return names;
    }

    /**
     * Whether {@code file}, the class file of {@code className}, declares a public, non-synthetic class.
     * A class file the reader cannot read (a JDK newer than the reader, with a class-file version or a
     * constant it does not know yet) is decided by loading the class without initializing it: slower,
     * but a public class is never left out of the suggestions.
     */
    static boolean isPublic(Path file, String className) {
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (IOException e) {
            return false;
        }
        int access;
        try {
            access = new ClassReader(bytes).getAccess();
        } catch (RuntimeException unreadable) {
            if (UNREADABLE_LOGGED.compareAndSet(false, true)) {
                LOG.log(Level.INFO, "the class reader cannot read " + file + " (a newer JDK than it knows?):"
                        + " such classes are checked by loading them, which makes completion's class list slower", unreadable);
            }
            return loadedIsPublic(className);
        }
        return (access & Opcodes.ACC_PUBLIC) != 0 && (access & Opcodes.ACC_SYNTHETIC) == 0;
    }

    private static boolean loadedIsPublic(String className) {
        try {
            Class<?> c = Class.forName(className, false, PackageClasses.class.getClassLoader());
            return Modifier.isPublic(c.getModifiers()) && !c.isSynthetic();
        } catch (ClassNotFoundException | LinkageError | RuntimeException e) {
            return false;
        }
    }

    private static List<Path> findFolders(String pkg) {
        List<Path> folders = new ArrayList<>();
        Optional<Module> module = ModuleLayer.boot().modules().stream().filter(m -> m.getPackages().contains(pkg)).findFirst();
        if (module.isPresent()) {
            try {
                FileSystem jrt = FileSystems.getFileSystem(URI.create("jrt:/"));
                folders.add(jrt.getPath("/modules", module.get().getName(), pkg.replace('.', '/')));
            } catch (RuntimeException e) {
                // not a modular JDK image
            }
            return folders;
        }
        // A package of the kernel's class path (Threadbook's API): found next to one of its classes.
        try {
            java.net.URL url = PackageClasses.class.getClassLoader().getResource(pkg.replace('.', '/'));
            if (url != null && url.getProtocol().equals("file")) {
                folders.add(Path.of(url.toURI()));
            } else if (url != null && url.getProtocol().equals("jar")) {
                String jar = url.getPath().substring(0, url.getPath().indexOf("!/"));
                FileSystem zip;
                try {
                    zip = FileSystems.newFileSystem(Path.of(new URI(jar)));
                } catch (java.nio.file.FileSystemAlreadyExistsException e) {
                    zip = FileSystems.getFileSystem(URI.create("jar:" + jar));
                }
                folders.add(zip.getPath(pkg.replace('.', '/')));
            }
        } catch (IOException | java.net.URISyntaxException | RuntimeException e) {
            LOG.log(Level.FINE, "cannot list " + pkg, e);
        }
        return folders;
    }
}
