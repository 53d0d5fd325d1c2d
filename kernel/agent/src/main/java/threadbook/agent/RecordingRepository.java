package threadbook.agent;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.management.JMException;
import javax.management.ObjectName;
import threadbook.host.PrivateFolder;

/**
 * Where JDK Flight Recorder keeps its chunks while it records: {@code jfr} in the private folder. JFR's own
 * default is {@code java.io.tmpdir/<date>_<pid>}, made 0755 with chunks 0644: every local user could read
 * what the notebook's threads did, by name, and the folder outlived every session whose JVM did not exit
 * normally. JFR makes {@code <date>_<pid>} below the folder it is given (with the default mode, which the
 * 0700 folder above makes private), and makes it again when it is gone.
 */
final class RecordingRepository {
    static final String NAME = "jfr";
    /** JFR's folder for one JVM: {@code 2026_12_06_21_13_07_11564}, with {@code _<n>} if taken. */
    private static final Pattern JVM_FOLDER = Pattern.compile("\\d{4}(?:_\\d{2}){5}_(\\d+)(?:_\\d+)?");

    private static Path configured;

    private RecordingRepository() {}

    /**
     * Makes the folder (again, 0700, if it was deleted while the session ran) and points JFR at it, once per
     * folder: {@code JFR.configure} through the DiagnosticCommand MBean (about 0.2 s, the platform MBean
     * server's start), not {@code -XX:FlightRecorderOptions} at the JVM's start, which would cost every
     * agent JVM 60-80 ms whether it ever records or not.
     *
     * @return the folder, as JFR sees it (its real path)
     */
    static synchronized Path prepare() throws IOException {
        Path base = PrivateFolder.makePrivate(PrivateFolder.get().resolve(NAME));
        if (base == null) {
            throw new IOException(PrivateFolder.get().resolve(NAME) + " is not this user's own folder (mode 0700)");
        }
        base = base.toRealPath();
        if (!base.equals(configured)) {
            removeDeadSessions(base);
            configure(base);
            configured = base;
        }
        return base;
    }

    /** JFR's folder for this JVM's recordings, or null if JFR has not made one. */
    static Path current() {
        String repository = System.getProperty("jdk.jfr.repository");
        return repository == null ? null : Path.of(repository);
    }

    /**
     * Removes this JVM's JFR folder if no recording uses it any more (a recording of the user's own may):
     * a session whose JVM is killed leaves no empty folder behind, and JFR makes it again for the next.
     */
    static void removeIfEmpty() {
        Path repository = current();
        if (repository == null) {
            return;
        }
        try {
            Files.deleteIfExists(repository);
        } catch (DirectoryNotEmptyException inUse) {
            // another recording's chunks are still in it
        } catch (IOException e) {
            // left for the next session's removeDeadSessions
        }
    }

    private static void configure(Path base) throws IOException {
        try {
            jfrConfigure("repositorypath", base);
        } catch (JMException | RuntimeException e) {
            throw new IOException("Flight Recorder could not be told to record in " + base + ": " + e.getMessage(), e);
        }
        try {
            // A JVM that crashes while recording writes what it recorded there too (JDK 25; JDK 17 takes
            // the setting and still writes to the working folder).
            jfrConfigure("dumppath", base);
        } catch (JMException | RuntimeException e) {
            // a JDK without the setting
        }
    }

    private static void jfrConfigure(String setting, Path value) throws JMException {
        // Quoted: the diagnostic command's arguments are one line, split at spaces.
        String[] arguments = {setting + "=\"" + value + "\""};
        ManagementFactory.getPlatformMBeanServer().invoke(new ObjectName("com.sun.management:type=DiagnosticCommand"),
                "jfrConfigure", new Object[] {arguments}, new String[] {String[].class.getName()});
    }

    /** The JFR folders of this user's sessions whose JVM has ended (killed, or crashed while recording). */
    private static void removeDeadSessions(Path base) {
        try (DirectoryStream<Path> folders = Files.newDirectoryStream(base)) {
            for (Path folder : folders) {
                Matcher m = JVM_FOLDER.matcher(folder.getFileName().toString());
                if (m.matches() && Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) && ended(m.group(1))) {
                    deleteFlat(folder);
                }
            }
        } catch (IOException e) {
            // an unreadable entry: the next session tries again
        }
    }

    private static boolean ended(String pid) {
        try {
            long p = Long.parseLong(pid);
            // This JVM's own pid before it ever recorded here: a dead JVM's, which had the pid before.
            return p == ProcessHandle.current().pid() || ProcessHandle.of(p).isEmpty();
        } catch (NumberFormatException e) {
            return false;
        }
    }

    /** JFR's folders hold chunk files only. */
    private static void deleteFlat(Path folder) throws IOException {
        try (DirectoryStream<Path> files = Files.newDirectoryStream(folder)) {
            for (Path f : files) {
                Files.deleteIfExists(f);
            }
        } catch (NoSuchFileException gone) {
            return;
        }
        try {
            Files.deleteIfExists(folder);
        } catch (DirectoryNotEmptyException e) {
            // not only chunks: left alone
        }
    }
}
