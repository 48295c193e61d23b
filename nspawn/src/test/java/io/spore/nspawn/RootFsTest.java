package io.spore.nspawn;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class RootFsTest {
    @TempDir Path root;
    @TempDir Path outside;

    @Test
    void absoluteSymlinksResolveInsideTheTree() throws IOException {
        Files.createDirectories(root.resolve("usr/lib/systemd"));
        Path systemd = Files.writeString(root.resolve("usr/lib/systemd/systemd"), "#!/bin/sh\n");
        Files.setPosixFilePermissions(systemd, PosixFilePermissions.fromString("rwxr-xr-x"));
        Files.createSymbolicLink(root.resolve("lib"), Path.of("usr/lib"));
        Files.createDirectories(root.resolve("sbin"));
        Files.createSymbolicLink(root.resolve("sbin/init"), Path.of("/lib/systemd/systemd"));
        assertEquals(systemd, RootFs.resolve(root, "/sbin/init"));
        assertTrue(RootFs.hasExecutable(root, "/sbin/init"));
        // ".." cannot climb out of the tree
        Files.createSymbolicLink(root.resolve("up"), Path.of("../../../../etc"));
        assertNull(RootFs.resolve(root, "/up/passwd"));
    }

    @Test
    void loopsEnd() throws IOException {
        Files.createSymbolicLink(root.resolve("a"), Path.of("/b"));
        Files.createSymbolicLink(root.resolve("b"), Path.of("/a"));
        assertNull(RootFs.resolve(root, "/a"));
    }

    @Test
    void writesWithModesAndNeverThroughSymlinks() throws IOException {
        RootFs.write(root, "root/.ssh/authorized_keys", "ssh-ed25519 AAAA k\n", "rw-------", "rwx------");
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("root/.ssh"))));
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(root.resolve("root/.ssh/authorized_keys"))));

        // an image whose /etc is a symlink to the host's /etc (absolute): refused, nothing written outside
        Files.createSymbolicLink(root.resolve("etc"), outside);
        var e = assertThrows(NspawnException.class, () -> RootFs.write(root, "etc/resolv.conf", "x", "rw-r--r--", "rwxr-xr-x"));
        assertTrue(e.getMessage().startsWith("the image has a symlink at /etc"), e.getMessage());
        assertFalse(Files.exists(outside.resolve("resolv.conf")));

        // a symlink at the file itself is replaced, not followed
        Files.createDirectories(root.resolve("var"));
        Path target = outside.resolve("victim");
        Files.writeString(target, "keep");
        Files.createSymbolicLink(root.resolve("var/f"), target);
        RootFs.write(root, "var/f", "new", "rw-r--r--", "rwxr-xr-x");
        assertEquals("keep", Files.readString(target));
        assertEquals("new", Files.readString(root.resolve("var/f")));
        assertFalse(Files.isSymbolicLink(root.resolve("var/f")));
    }
}
