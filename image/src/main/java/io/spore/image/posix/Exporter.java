package io.spore.image.posix;

import io.spore.image.Entry;
import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockSource;

import java.io.IOException;
import java.util.Map;

/**
 * An image written back as a directory tree, exactly: per path the content first, then owner,
 * then mode (chown clears setuid/setgid, so mode comes after it), then xattrs (after chown, which
 * clears security.capability), then times; a directory's own metadata last, after its children,
 * so creating them does not move its mtime. Symlinks and special files are changed without
 * following them. Everything goes through descriptors of the parent directory, so deep paths work.
 */
public final class Exporter {
    private static final int COPY = 1 << 20;

    private final Image image;
    private final BlockSource blocks;
    private final byte[] rootShown;
    private int rootFd = -1;
    private final byte[] buf = new byte[COPY];

    private Exporter(Image image, BlockSource blocks, byte[] rootShown) {
        this.image = image;
        this.blocks = blocks;
        this.rootShown = rootShown;
    }

    /**
     * Writes {@code image} into {@code dir}, which must not exist or be an empty directory (its
     * parent must exist).
     */
    public static void export(Image image, BlockSource blocks, byte[] dir) throws IOException {
        String shown = Names.show(dir);
        int fd;
        try {
            Posix.mkdirat(Posix.AT_FDCWD, dir, 0700, dir);
        } catch (Posix.PosixException e) {
            if (e.errno() == Posix.ENOENT) {
                throw new IOException("the parent directory of " + shown + " does not exist: create it first or choose another target");
            }
            if (e.errno() != Posix.EEXIST) throw e;
        }
        try {
            fd = Posix.open(dir, Posix.O_RDONLY | Posix.O_DIRECTORY);
        } catch (Posix.PosixException e) {
            if (e.errno() == 20) throw new IOException(shown + " exists and is not a directory: give a new or empty directory to export into");
            throw e;
        }
        try {
            if (!Posix.list(fd, dir).isEmpty()) {
                throw new IOException(shown + " is not empty: give a new or empty directory to export into");
            }
            Exporter x = new Exporter(image, blocks, dir);
            x.rootFd = fd;
            try {
                x.dir(fd, 0, new byte[0]);
            } catch (Posix.PosixException e) {
                if (e.errno() == Posix.EPERM) throw new IOException(e.getMessage() + ": restoring owners, devices and security xattrs needs root", e);
                if (e.errno() == Posix.ENOSPC) throw new IOException(e.getMessage() + ": free space on the target or export elsewhere", e);
                throw e;
            }
            Posix.syncfs(fd, dir);
        } finally {
            Posix.close(fd);
        }
    }

    private byte[] shown(byte[] rel) { return Names.under(rootShown, rel); }

    private void dir(int fd, int index, byte[] path) throws IOException {
        for (int c : image.children(index)) {
            Entry e = image.entry(c);
            byte[] name = e.name();
            byte[] shown = shown(e.path());
            checkName(name, e);
            if (e.isHardLink()) {
                link(e, fd, name, shown);
                continue;
            }
            switch (e.type()) {
                case DIRECTORY -> {
                    Posix.mkdirat(fd, name, 0700, shown);
                    int cfd = Posix.openat(fd, name, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0, shown);
                    try {
                        dir(cfd, c, e.path());
                    } finally {
                        Posix.close(cfd);
                    }
                }
                case REGULAR -> file(fd, c, e, name, shown);
                case SYMLINK -> {
                    Posix.symlinkat(e.linkTarget(), fd, name, shown);
                    meta(fd, name, e, shown, false);
                }
                case CHAR_DEVICE -> node(fd, name, e, Posix.S_IFCHR, e.rdev(), shown);
                case BLOCK_DEVICE -> node(fd, name, e, Posix.S_IFBLK, e.rdev(), shown);
                case FIFO -> node(fd, name, e, Posix.S_IFIFO, 0, shown);
                case SOCKET -> node(fd, name, e, Posix.S_IFSOCK, 0, shown);
            }
        }
        // The directory's own metadata last: its children are all in place now.
        Entry self = image.entry(index);
        if (index == 0) meta(fd, new byte[0], self, rootShown, true);
        else {
            int parentFd = fd; // metadata through the open descriptor (AT_EMPTY_PATH), no path needed
            meta(parentFd, new byte[0], self, shown(path), true);
        }
    }

    private void node(int fd, byte[] name, Entry e, int type, long rdev, byte[] shown) throws IOException {
        Posix.mknodat(fd, name, type | 0600, rdev, shown);
        meta(fd, name, e, shown, true);
    }

    private void file(int dirfd, int index, Entry e, byte[] name, byte[] shown) throws IOException {
        int fd = Posix.openat(dirfd, name, Posix.O_WRONLY | Posix.O_CREAT | Posix.O_EXCL | Posix.O_NOFOLLOW, 0600, shown);
        try {
            long off = 0, size = e.size();
            boolean hole = false;
            while (off < size) {
                int want = (int) Math.min(buf.length, size - off);
                int got = 0;
                while (got < want) {
                    int n = image.read(index, off + got, buf, got, want - got, blocks);
                    if (n <= 0) throw new IOException(Names.show(e.path()) + ": the image ends before the file's " + size + " bytes");
                    got += n;
                }
                // Runs of 4 KiB zero pages become holes again, so sparse files stay sparse.
                int p = 0;
                while (p < got) {
                    int len = Math.min(4096, got - p);
                    if (zero(buf, p, len)) {
                        hole = true;
                    } else {
                        int q = p + len;
                        while (q < got && !zero(buf, q, Math.min(4096, got - q))) q += Math.min(4096, got - q);
                        Posix.pwriteFully(fd, buf, p, q - p, off + p, shown);
                        len = q - p;
                    }
                    p += len;
                }
                off += got;
            }
            if (hole) Posix.ftruncate(fd, size, shown);
            // fd-based metadata: works at any depth.
            Posix.fchown(fd, e.uid(), e.gid(), shown);
            Posix.fchmod(fd, e.mode(), shown);
            for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
                Posix.setxattr(null, fd, x.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), x.getValue(), shown);
            }
            Posix.lutimensat(fd, new byte[0], e.mtimeNanos(), shown);
        } finally {
            Posix.close(fd);
        }
    }

    private static boolean zero(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) if (b[i] != 0) return false;
        return true;
    }

    /** Owner, mode (not for symlinks, which have none of their own), xattrs, times. */
    private void meta(int dirfd, byte[] name, Entry e, byte[] shown, boolean chmod) throws IOException {
        Posix.lchownat(dirfd, name, e.uid(), e.gid(), shown);
        if (chmod) {
            if (name.length == 0) Posix.fchmod(dirfd, e.mode(), shown);
            else Posix.chmodat(dirfd, name, e.mode(), shown);
        }
        if (!e.xattrs().isEmpty()) {
            byte[] p = name.length == 0 ? null : Posix.procPath(dirfd, name);
            for (Map.Entry<String, byte[]> x : e.xattrs().entrySet()) {
                Posix.setxattr(p, dirfd, x.getKey().getBytes(java.nio.charset.StandardCharsets.UTF_8), x.getValue(), shown);
            }
        }
        Posix.lutimensat(dirfd, name, e.mtimeNanos(), shown);
    }

    /** Names come from the image: one that could leave the target directory is refused, whatever the reader checked. */
    private static void checkName(byte[] name, Entry e) throws IOException {
        boolean bad = name.length == 0 || (name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.');
        for (byte b : name) bad |= b == '/' || b == 0;
        if (bad) throw new IOException("the image holds an invalid name at " + Names.show(e.path()) + ": it is malformed, do not export it");
    }

    /** A hard link to an earlier path; a target path longer than PATH_MAX is reached step by step. */
    private void link(Entry e, int dirfd, byte[] name, byte[] shown) throws IOException {
        byte[] target = e.hardLinkTarget();
        int t = image.find(target);
        if (t < 0 || image.entry(t).isHardLink() || image.entry(t).type() == io.spore.image.FileType.DIRECTORY) {
            throw new IOException("the image's hard link " + Names.show(e.path()) + " points to " + Names.show(target)
                    + ", which is not an earlier file of the image: it is malformed, do not export it");
        }
        int slash = lastSlash(target);
        if (target.length < 4000 || slash < 0) {
            Posix.linkat(rootFd, target, dirfd, name, shown);
            return;
        }
        int fd = rootFd;
        int start = 0;
        try {
            while (true) {
                int next = indexOf(target, (byte) '/', start);
                if (next < 0) break;
                byte[] comp = java.util.Arrays.copyOfRange(target, start, next);
                int nfd = Posix.openat(fd, comp, Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0, shown);
                if (fd != rootFd) Posix.close(fd);
                fd = nfd;
                start = next + 1;
            }
            Posix.linkat(fd, java.util.Arrays.copyOfRange(target, start, target.length), dirfd, name, shown);
        } finally {
            if (fd != rootFd) Posix.close(fd);
        }
    }

    private static int lastSlash(byte[] p) {
        for (int i = p.length - 1; i >= 0; i--) if (p[i] == '/') return i;
        return -1;
    }

    private static int indexOf(byte[] p, byte b, int from) {
        for (int i = from; i < p.length; i++) if (p[i] == b) return i;
        return -1;
    }
}
