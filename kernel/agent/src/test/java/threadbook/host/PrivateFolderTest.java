package threadbook.host;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.attribute.UserPrincipal;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PrivateFolderTest {
    @TempDir
    Path dir;

    @Test
    void aMissingFolderIsCreatedForItsOwnerOnly() throws Exception {
        Path folder = dir.resolve("cache").resolve("threadbook");
        assertEquals(folder, PrivateFolder.makePrivate(folder));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
        assertTrue(PrivateFolder.isPrivate(folder));
    }

    @Test
    void anOpenFolderOfOursIsClosed() throws Exception {
        Path folder = Files.createDirectory(dir.resolve("threadbook"));
        Files.setPosixFilePermissions(folder, PosixFilePermissions.fromString("rwxrwxrwx"));
        assertFalse(PrivateFolder.isPrivate(folder));
        assertEquals(folder, PrivateFolder.makePrivate(folder));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(folder)));
    }

    @Test
    void aSymbolicLinkIsNotTrusted() throws Exception {
        Path elsewhere = Files.createDirectory(dir.resolve("elsewhere"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        Path link = Files.createSymbolicLink(dir.resolve("threadbook"), elsewhere);
        assertNull(PrivateFolder.makePrivate(link));
        assertFalse(PrivateFolder.isPrivate(link));
    }

    @Test
    void aFolderOfAnotherUserIsNotTrusted() throws Exception {
        assumeTrue("root".equals(System.getProperty("user.name")), "only root can give a folder to another user");
        Path folder = Files.createDirectory(dir.resolve("threadbook"), PosixFilePermissions.asFileAttribute(
                PosixFilePermissions.fromString("rwx------")));
        UserPrincipal nobody = folder.getFileSystem().getUserPrincipalLookupService().lookupPrincipalByName("nobody");
        Files.setOwner(folder, nobody);
        assertNull(PrivateFolder.makePrivate(folder));
        assertFalse(PrivateFolder.isPrivate(folder));
    }
}
