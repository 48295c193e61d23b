package io.spore.image;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Checks that entries come in image order (FORMAT.md section 2) and that paths are well formed;
 * tells each entry's depth. Keeps only the directories on the path to the latest entry.
 */
final class OrderCheck {
    /** names of the open directories, the root (empty name) first */
    private final List<byte[]> dirs = new ArrayList<>();
    /** for each open directory, the name of its latest child so far (null before the first) */
    private final List<byte[]> lastChild = new ArrayList<>();
    private byte[] previous;

    /** Returns the depth of {@code e}, or throws IllegalArgumentException naming the problem. */
    int accept(Entry e) {
        byte[] path = e.path();
        List<byte[]> parts = split(path);
        int depth = parts.size();
        if (previous == null) {
            if (depth != 0 || e.type() != FileType.DIRECTORY || e.isHardLink())
                throw new IllegalArgumentException("the first entry must be the root directory (empty path), got " + ImageWriter.show(path));
        } else {
            if (depth == 0) throw new IllegalArgumentException("the root directory came twice");
            if (depth > dirs.size() || !openDirsMatch(parts))
                throw outOfOrder(path, "its parent directory is not the latest open directory");
            byte[] name = parts.get(depth - 1);
            byte[] last = lastChild.get(depth - 1);
            if (last != null && Arrays.compareUnsigned(last, name) >= 0)
                throw outOfOrder(path, Arrays.equals(last, name) ? "the same path came twice" : "names of one directory must come in byte order");
            truncate(depth);
            lastChild.set(depth - 1, name);
        }
        if (e.type() == FileType.DIRECTORY && !e.isHardLink()) {
            truncate(depth);
            dirs.add(depth == 0 ? new byte[0] : parts.get(depth - 1));
            lastChild.add(null);
        }
        previous = path;
        return depth;
    }

    private boolean openDirsMatch(List<byte[]> parts) {
        for (int i = 0; i < parts.size() - 1; i++) if (!Arrays.equals(dirs.get(i + 1), parts.get(i))) return false;
        return true;
    }

    private void truncate(int size) {
        while (dirs.size() > size) {
            dirs.removeLast();
            lastChild.removeLast();
        }
    }

    private IllegalArgumentException outOfOrder(byte[] path, String why) {
        return new IllegalArgumentException("entries are not in image order: " + ImageWriter.show(path) + " after "
                + ImageWriter.show(previous) + " (" + why + ")");
    }

    /** The path's components; refuses empty components, '.', '..', NUL and names over 255 bytes. */
    static List<byte[]> split(byte[] path) {
        List<byte[]> parts = new ArrayList<>();
        if (path.length == 0) return parts;
        int from = 0;
        for (int i = 0; i <= path.length; i++) {
            if (i == path.length || path[i] == '/') {
                byte[] name = Arrays.copyOfRange(path, from, i);
                checkName(name, path);
                parts.add(name);
                from = i + 1;
            }
        }
        return parts;
    }

    private static void checkName(byte[] name, byte[] path) {
        String why = null;
        if (name.length == 0) why = "an empty path component";
        else if (name.length > Manifest.MAX_NAME) why = "a name longer than " + Manifest.MAX_NAME + " bytes";
        else if ((name.length == 1 && name[0] == '.') || (name.length == 2 && name[0] == '.' && name[1] == '.')) why = "a . or .. component";
        else for (byte b : name) if (b == 0) why = "a NUL byte";
        if (why != null) throw new IllegalArgumentException("bad path " + ImageWriter.show(path) + ": " + why);
    }
}
