package io.spore.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Lines of /proc/self/mountinfo that matter here. */
record MountTable(Path mountPoint, String fsType, String source) {
    static final Path MOUNTINFO = Path.of("/proc/self/mountinfo");

    static List<MountTable> read() {
        try {
            return parse(Files.readAllLines(MOUNTINFO));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + MOUNTINFO + ": mount /proc", e);
        }
    }

    static List<MountTable> parse(List<String> lines) {
        List<MountTable> out = new ArrayList<>();
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = -1;
            for (int i = 6; i < f.length; i++) if (f[i].equals("-")) { dash = i; break; }
            if (f.length < 5 || dash < 0 || dash + 2 >= f.length) continue;
            out.add(new MountTable(Path.of(unescape(f[4])), f[dash + 1], unescape(f[dash + 2])));
        }
        return out;
    }

    /** mountinfo writes space, tab, newline and backslash as \ooo. */
    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && i + 3 < s.length()
                    && s.substring(i + 1, i + 4).chars().allMatch(d -> d >= '0' && d <= '7')) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    boolean isSpore() { return fsType.equals("fuse.spore"); }

    boolean isFuse() { return fsType.equals("fuse") || fsType.startsWith("fuse."); }
}
