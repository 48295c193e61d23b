package io.spore.nspawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Paths inside a container's tree seen from the host. An image's symlinks are the image's:
 * {@code /sbin/init -> /lib/systemd/systemd} means inside the tree, never the host's /lib, so
 * they are resolved here by hand, and writes refuse to pass through them at all.
 */
final class RootFs {
    private RootFs() {}

    /** Resolves {@code abs} inside {@code root} the way the kernel would after chroot; null if missing. */
    static Path resolve(Path root, String abs) {
        Deque<String> todo = new ArrayDeque<>();
        push(todo, abs);
        Path cur = root;
        int hops = 0;
        while (!todo.isEmpty()) {
            String part = todo.pop();
            if (part.isEmpty() || part.equals(".")) continue;
            if (part.equals("..")) {
                if (!cur.equals(root)) cur = cur.getParent();
                continue;
            }
            Path next = cur.resolve(part);
            if (Files.isSymbolicLink(next)) {
                if (++hops > 40) return null;
                String target;
                try {
                    target = Files.readSymbolicLink(next).toString();
                } catch (IOException e) {
                    return null;
                }
                if (target.startsWith("/")) cur = root;
                push(todo, target);
            } else if (Files.exists(next, LinkOption.NOFOLLOW_LINKS)) {
                cur = next;
            } else {
                return null;
            }
        }
        return cur;
    }

    private static void push(Deque<String> todo, String path) {
        String[] parts = path.split("/");
        for (int i = parts.length - 1; i >= 0; i--) todo.push(parts[i]);
    }

    /** True when {@code abs} names an executable regular file inside the tree. */
    static boolean hasExecutable(Path root, String abs) {
        Path p = resolve(root, abs);
        return p != null && Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) && Files.isExecutable(p);
    }

    /**
     * Writes {@code rel} (relative to root) atomically with the given mode. Missing parent
     * directories are made with {@code dirMode}; a symlink among the parents is refused, and a
     * symlink at the file itself is replaced, so nothing outside the tree can be touched.
     */
    static void write(Path root, String rel, String content, String mode, String dirMode) {
        String[] parts = rel.split("/");
        Path cur = root;
        try {
            for (int i = 0; i < parts.length - 1; i++) {
                cur = cur.resolve(parts[i]);
                if (Files.isSymbolicLink(cur)) {
                    throw new NspawnException("the image has a symlink at /" + root.relativize(cur)
                            + ": cannot write /" + rel + " safely; make it a directory in the image");
                }
                if (!Files.exists(cur, LinkOption.NOFOLLOW_LINKS)) {
                    Files.createDirectory(cur, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString(dirMode)));
                    Files.setPosixFilePermissions(cur, PosixFilePermissions.fromString(dirMode));
                } else if (!Files.isDirectory(cur, LinkOption.NOFOLLOW_LINKS)) {
                    throw new NspawnException("/" + root.relativize(cur) + " in the image is not a directory: cannot write /" + rel);
                }
            }
            Path target = cur.resolve(parts[parts.length - 1]);
            Path tmp = cur.resolve("." + parts[parts.length - 1] + ".spore-tmp");
            Files.deleteIfExists(tmp);
            Files.writeString(tmp, content);
            Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString(mode));
            Files.move(tmp, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new NspawnException("cannot write /" + rel + " into the machine: " + e.getMessage(), e);
        }
    }

    /** The file's text when it is a regular file (not a symlink), else "". */
    static String readRegular(Path root, String rel) {
        Path p = root.resolve(rel);
        try {
            for (Path q = p; q != null && !q.equals(root); q = q.getParent()) {
                if (Files.isSymbolicLink(q)) return "";
            }
            return Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS) ? Files.readString(p) : "";
        } catch (IOException e) {
            return "";
        }
    }
}
