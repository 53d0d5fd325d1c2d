package threadbook.host;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.EnumSet;
import java.util.Set;

/**
 * The per-user folder for files the kernel, the agent and the workers write for themselves (the workers'
 * class data archive, crash logs, %%timeline's recordings): {@code $XDG_CACHE_HOME/threadbook} or
 * {@code ~/.cache/threadbook}, mode 0700, owned by this user. A shared temp folder is not used at a fixed
 * name: another user could plant a file there first, or read what we write.
 *
 * <p>The kernel passes the folder it chose to the agent ({@code -Dthreadbook.cache}), and the agent to its
 * workers, so every process of a session uses the same one.
 */
public final class PrivateFolder {
    public static final String PROPERTY = "threadbook.cache";

    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");
    private static Path folder;

    private PrivateFolder() {}

    /**
     * The folder, created and checked on first use, and made again (0700, at the same place) if it was
     * deleted meanwhile: a user who clears ~/.cache while the kernel runs keeps a working session.
     */
    public static synchronized Path get() {
        if (folder == null || !Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS)) {
            Path again = folder == null ? null : trusted(folder);
            folder = again != null ? again : choose();
        }
        return folder;
    }

    /** The next {@link #get()} chooses the folder afresh (for tests that give one by the property). */
    public static synchronized void forget() {
        folder = null;
    }

    private static Path choose() {
        String given = System.getProperty(PROPERTY);
        if (given != null && !given.isEmpty()) {
            Path p = trusted(Path.of(given));
            if (p != null) {
                return p;
            }
        }
        Path wanted = defaultLocation();
        // HOME unusable (read-only, missing, someone else's): a fresh folder below
        Path made = wanted == null ? null : trusted(wanted);
        if (made != null) {
            return made;
        }
        try {
            // createTempDirectory makes the folder 0700 on POSIX, at a random name.
            return Files.createTempDirectory("threadbook-" + System.getProperty("user.name", "user") + "-");
        } catch (IOException e) {
            throw new IllegalStateException("cannot create a private folder for Threadbook's cache files: " + e.getMessage(), e);
        }
    }

    /** {@code dir} made private (created if missing), or null if it cannot be trusted. */
    private static Path trusted(Path dir) {
        try {
            return makePrivate(dir);
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }

    static Path defaultLocation() {
        String xdg = System.getenv("XDG_CACHE_HOME");
        if (xdg != null && !xdg.isEmpty() && Path.of(xdg).isAbsolute()) {
            return Path.of(xdg, "threadbook");
        }
        String home = System.getProperty("user.home");
        if (home == null || home.isEmpty() || "?".equals(home)) {
            return null;
        }
        return Path.of(home, ".cache", "threadbook");
    }

    /**
     * Creates {@code dir} with mode 0700 if missing, tightens the mode if it is ours, and returns it; returns
     * null if it is not ours (another owner, a symbolic link) and so cannot be trusted.
     */
    public static Path makePrivate(Path dir) throws IOException {
        if (!Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            Files.createDirectories(dir.getParent());
            try {
                if (posix(dir)) {
                    Files.createDirectory(dir, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                } else {
                    Files.createDirectory(dir);
                }
            } catch (java.nio.file.FileAlreadyExistsException raced) {
                // another kernel of ours made it at the same moment: checked below like any existing one
            }
        }
        if (!posix(dir)) {
            return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS) ? dir : null;
        }
        PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        if (!attrs.isDirectory() || !ownedByMe(dir)) {
            return null;
        }
        if (!attrs.permissions().equals(OWNER_ONLY)) {
            Files.getFileAttributeView(dir, PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setPermissions(OWNER_ONLY);
        }
        return isPrivate(dir) ? dir : null;
    }

    /** A directory (not a link), ours, that no group or other user can enter or write. */
    static boolean isPrivate(Path dir) {
        try {
            if (!posix(dir)) {
                return Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS);
            }
            PosixFileAttributes attrs = Files.readAttributes(dir, PosixFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            Set<PosixFilePermission> others = EnumSet.copyOf(attrs.permissions());
            others.removeAll(EnumSet.of(PosixFilePermission.OWNER_READ, PosixFilePermission.OWNER_WRITE,
                    PosixFilePermission.OWNER_EXECUTE));
            return attrs.isDirectory() && others.isEmpty() && ownedByMe(dir);
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static boolean ownedByMe(Path p) throws IOException {
        Object owner = Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
        return owner.equals(myUid());
    }

    /** This process's uid: the owner of /proc/self on Linux, else of a file it creates. */
    static synchronized Object myUid() throws IOException {
        Path self = Path.of("/proc/self");
        if (uid == null && Files.isDirectory(self)) {
            uid = Files.getAttribute(self, "unix:uid");
        }
        if (uid == null) {
            Path probe = Files.createTempFile("threadbook-uid", ".probe");
            try {
                uid = Files.getAttribute(probe, "unix:uid");
            } finally {
                Files.deleteIfExists(probe);
            }
        }
        return uid;
    }

    private static Object uid;

    private static boolean posix(Path p) {
        return p.getFileSystem().supportedFileAttributeViews().contains("unix");
    }
}
