package threadbook.kernel;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import threadbook.client.KernelClient;
import threadbook.client.KernelProcess;

/**
 * What %%timeline writes (JDK Flight Recorder's repository while it records, the recording the kernel
 * reads) stays in the user's private folder: nothing of the session in the shared temp folders that
 * another user could read, nothing left there after the session, and the folder made again (0700) if it
 * was deleted while the kernel ran.
 */
class TimelineFilesIT {
    private static final String THREAD = """
            %%timeline
            System.out.println("agent pid " + ProcessHandle.current().pid());
            Thread sleeper = new Thread(() -> { try { Thread.sleep(300); } catch (InterruptedException x) { } }, "timeline sleeper");
            sleeper.start();
            """;
    private static final String WORKER = """
            WorkerProcess w = new WorkerProcess(() -> { try { Thread.sleep(300); } catch (InterruptedException x) { } }).start();
            w.join();
            """;
    private static final Path JDK25 = Path.of("/usr/lib/jvm/temurin-25-jdk-amd64");
    private static final Pattern PID = Pattern.compile("agent pid (\\d+)|\\(pid (\\d+)\\)");
    /** JFR's repository: a folder named by the date and the pid, {@code 2026_12_06_21_13_07_11564}. */
    private static final Pattern JFR_REPOSITORY = Pattern.compile("\\d{4}(_\\d{2}){5}_(\\d+)(_\\d+)?");

    @TempDir
    Path dir;

    @Test
    void timelineLeavesNothingAnotherUserCanRead() throws Exception {
        // Above the private folder, folders others may enter, as many home folders are: the 0700 folder
        // alone keeps them out.
        Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createDirectory(dir.resolve("xdg"), PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwxr-xr-x")));
        Path folder = dir.resolve("xdg").resolve("threadbook");
        Set<Long> pids = new TreeSet<>();
        // On JDK 25 where installed: RecorderTest and MagicsIT record on the tests' own JDK (17).
        Path javaHome = Files.isDirectory(JDK25) ? JDK25 : null;
        try (KernelProcess kernel = KernelProcess.start(UUID.randomUUID().toString(),
                Map.of("XDG_CACHE_HOME", dir.resolve("xdg").toString()), null, javaHome);
             KernelClient client = kernel.client()) {
            client.awaitReady(Duration.ofSeconds(60));
            pids.add(kernel.process.pid());
            pids.addAll(timeline(client, THREAD + WORKER + "sleeper.join();", 2));
            kernel.descendants().forEach(p -> pids.add(p.pid()));
            assertTrue(pids.size() >= 3, "the kernel's, the agent's and the worker's pids: " + pids);
            assertOwnerOnly(folder);
            assertNothingOthersCanRead(pids);
            assertNobodyCanRead(pids, folder);

            deleteTree(folder);
            pids.addAll(timeline(client, THREAD + "sleeper.join();", 1));
            assertOwnerOnly(folder);
            assertNothingOthersCanRead(pids);
            assertNobodyCanRead(pids, folder);
        }
        List<Path> left = new ArrayList<>();
        for (Path root : tempFolders()) {
            left.addAll(walk(root, 2, p -> namesOneOf(p, pids) && isJfrRepository(p)));
        }
        left.addAll(walk(folder, 4, TimelineFilesIT::isJfrRepository));
        left.addAll(walk(folder, 4, p -> p.getFileName().toString().endsWith(".jfr")));
        assertEquals(List.of(), left, "no recording and no JFR folder is left after the session");
    }

    /** Runs a %%timeline cell; returns the {@code count} pids it names (the agent's, a worker's). */
    private static Set<Long> timeline(KernelClient client, String cell, int count) {
        KernelClient.Execution e = client.execute(cell, Duration.ofSeconds(120));
        assertEquals("ok", e.status(), String.valueOf(e.error()));
        assertEquals(1, e.ofType("display_data").size(), "one chart");
        String chart = e.ofType("display_data").get(0).content().getAsJsonObject("data").get("text/plain").getAsString();
        assertTrue(chart.contains("timeline sleeper") && (count == 1 || chart.contains("worker")), chart);
        Set<Long> pids = new LinkedHashSet<>();
        Matcher m = PID.matcher(e.stdout() + chart);
        while (m.find()) {
            pids.add(Long.parseLong(m.group(1) != null ? m.group(1) : m.group(2)));
        }
        assertEquals(count, pids.size(), "the agent's and the worker's pid: " + e.stdout() + chart);
        return pids;
    }

    /**
     * In the shared temp folders, no file or folder named by a pid of the session (JFR's repository is
     * {@code <date>_<pid>}) that another user could read or list; the JVMs' own performance data files
     * ({@code hsperfdata_<user>/<pid>}, mode 0600) pass.
     */
    private static void assertNothingOthersCanRead(Set<Long> pids) throws IOException {
        List<String> readable = new ArrayList<>();
        for (Path root : tempFolders()) {
            for (Path p : walk(root, 2, p -> namesOneOf(p, pids))) {
                if (othersCanRead(p) || isJfrRepository(p)) {
                    readable.add(p + " " + mode(p));
                }
            }
        }
        assertEquals(List.of(), readable, "the session's files in the shared temp folders");
    }

    /**
     * As root, asks another user (nobody) which of the session's files it can read: the pid-named entries
     * in the temp folders and everything in the private folder. The same as the mode check above, by the
     * kernel's own access rules rather than the test's reading of them.
     */
    private static void assertNobodyCanRead(Set<Long> pids, Path folder) throws Exception {
        if (!Files.getAttribute(Path.of("/proc/self"), "unix:uid").equals(0)) {
            return; // only root can become another user; the mode check stands alone
        }
        List<String> command = new ArrayList<>(List.of("setpriv", "--reuid=65534", "--regid=65534", "--clear-groups",
                "find"));
        for (Path root : tempFolders()) {
            walk(root, 2, p -> namesOneOf(p, pids)).forEach(p -> command.add(p.toString()));
        }
        walk(folder, 8, p -> true).forEach(p -> command.add(p.toString()));
        command.add(folder.toString());
        command.addAll(List.of("-maxdepth", "0", "-readable"));
        Process find = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        String seen = new String(find.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        find.waitFor();
        assertEquals("", seen, "what user nobody can read or list of the session's files");
    }

    private static List<Path> tempFolders() {
        Set<Path> roots = new LinkedHashSet<>(List.of(Path.of("/tmp"), Path.of(System.getProperty("java.io.tmpdir"))));
        String env = System.getenv("TMPDIR");
        if (env != null && !env.isEmpty()) {
            roots.add(Path.of(env));
        }
        return List.copyOf(roots);
    }

    /**
     * Named by one of the pids as JVMs and JFR name files: {@code <pid>}, {@code ..._<pid>},
     * {@code ..._<pid>_<n>}, {@code ...pid<pid>.log}; not by any number in the name (a date's year).
     */
    private static boolean namesOneOf(Path p, Set<Long> pids) {
        String[] parts = p.getFileName().toString().replaceFirst("\\.[A-Za-z]+$", "").split("_|pid");
        for (int i = Math.max(0, parts.length - 2); i < parts.length; i++) {
            if (parts[i].matches("\\d{1,18}") && pids.contains(Long.parseLong(parts[i]))) {
                return true;
            }
        }
        return false;
    }

    private static boolean isJfrRepository(Path p) {
        return Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) && JFR_REPOSITORY.matcher(p.getFileName().toString()).matches();
    }

    /** Another user could read the file (or list the folder): it and every folder above it let them. */
    private static boolean othersCanRead(Path p) throws IOException {
        Set<PosixFilePermission> mode = Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS);
        boolean readable = mode.contains(PosixFilePermission.OTHERS_READ) || mode.contains(PosixFilePermission.GROUP_READ);
        for (Path up = p.getParent(); readable && up != null; up = up.getParent()) {
            Set<PosixFilePermission> m = Files.getPosixFilePermissions(up);
            readable = m.contains(PosixFilePermission.OTHERS_EXECUTE) || m.contains(PosixFilePermission.GROUP_EXECUTE);
        }
        return readable;
    }

    /** The folder is the user's, 0700: what is inside is theirs alone. */
    private static void assertOwnerOnly(Path folder) throws IOException {
        assertTrue(Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS), "the private folder exists: " + folder);
        assertEquals("rwx------", mode(folder), folder.toString());
        assertEquals(Files.getAttribute(Path.of("/proc/self"), "unix:uid"),
                Files.getAttribute(folder, "unix:uid", LinkOption.NOFOLLOW_LINKS), "owned by the user: " + folder);
    }

    private static String mode(Path p) throws IOException {
        return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
    }

    /** What is below {@code root}, at most {@code depth} levels down, that {@code wanted} accepts. */
    private static List<Path> walk(Path root, int depth, java.util.function.Predicate<Path> wanted) throws IOException {
        List<Path> found = new ArrayList<>();
        if (!Files.isDirectory(root)) {
            return found;
        }
        Files.walkFileTree(root, EnumSet.noneOf(java.nio.file.FileVisitOption.class), depth, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                if (!d.equals(root) && wanted.test(d)) {
                    found.add(d);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (wanted.test(f)) {
                    found.add(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // another user's folder, or gone meanwhile
            }
        });
        return found;
    }

    private static void deleteTree(Path folder) throws IOException {
        try (Stream<Path> all = Files.walk(folder)) {
            for (Path p : all.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
