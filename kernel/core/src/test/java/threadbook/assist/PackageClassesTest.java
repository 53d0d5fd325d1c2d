package threadbook.assist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.lang.reflect.Modifier;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which classes completion offers before the session is up, read from this JDK's own class files. */
class PackageClassesTest {
    private static final FileSystem JRT = FileSystems.getFileSystem(URI.create("jrt:/"));

    @Test
    void publicClassesAreToldFromTheirClassFiles() {
        assertTrue(PackageClasses.isPublic(JRT.getPath("/modules/java.base/java/lang/String.class"), "java.lang.String"));
        assertFalse(PackageClasses.isPublic(JRT.getPath("/modules/java.base/java/util/ImmutableCollections.class"),
                "java.util.ImmutableCollections"));
        assertFalse(PackageClasses.isPublic(JRT.getPath("/modules/java.base/java/lang/StringLatin1.class"), "java.lang.StringLatin1"));
    }

    /** java.lang.invoke's class files hold every kind of constant javac writes (method handles, dynamic calls). */
    @Test
    void theListAgreesWithTheLoadedClasses() throws IOException {
        for (String pkg : List.of("java.lang.invoke", "java.util.concurrent")) {
            TreeSet<String> loaded = new TreeSet<>();
            try (var files = Files.list(JRT.getPath("/modules/java.base", pkg.replace('.', '/')))) {
                for (Path f : (Iterable<Path>) files::iterator) {
                    String simple = f.getFileName().toString().replaceFirst("\\.class$", "");
                    if (f.toString().endsWith(".class") && !simple.contains("$") && isPublicWhenLoaded(pkg + "." + simple)) {
                        loaded.add(simple);
                    }
                }
            }
            assertTrue(loaded.size() > 10, pkg + ": " + loaded);
            assertEquals(loaded, new TreeSet<>(PackageClasses.publicIn(pkg, "")), pkg);
        }
    }

    /**
     * A class file from a JDK newer than any reader (a class-file version and a constant tag nobody knows
     * yet): its access flags cannot be reached, so the class itself is asked.
     */
    @Test
    void aClassFileNoReaderKnowsIsDecidedByItsClass(@TempDir Path dir) throws IOException {
        Path future = dir.resolve("Future.class");
        Files.write(future, classFileFromTheFuture());
        assertTrue(PackageClasses.isPublic(future, "java.util.concurrent.ConcurrentHashMap"));
        assertFalse(PackageClasses.isPublic(future, "java.util.concurrent.Helpers"), "package-private");
        assertFalse(PackageClasses.isPublic(future, "java.util.concurrent.NoSuchClass"));
    }

    private static byte[] classFileFromTheFuture() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        DataOutputStream out = new DataOutputStream(bytes);
        out.writeInt(0xCAFEBABE);
        out.writeShort(0);
        out.writeShort(99); // major version: JDK 55
        out.writeShort(4); // three constants
        out.writeByte(1); // CONSTANT_Utf8
        out.writeUTF("Future");
        out.writeByte(7); // CONSTANT_Class
        out.writeShort(1);
        out.writeByte(42); // a tag not defined yet, of a length no reader can know
        out.writeInt(0);
        out.writeShort(Modifier.PUBLIC);
        out.writeShort(2);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(0);
        out.writeShort(0);
        return bytes.toByteArray();
    }

    private static boolean isPublicWhenLoaded(String className) {
        try {
            Class<?> c = Class.forName(className, false, PackageClassesTest.class.getClassLoader());
            return Modifier.isPublic(c.getModifiers()) && !c.isSynthetic();
        } catch (ClassNotFoundException | LinkageError e) {
            return false;
        }
    }
}
