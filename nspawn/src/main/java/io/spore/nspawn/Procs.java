package io.spore.nspawn;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads /proc: a pid alone can be reused, a pid plus its start time names one process. */
final class Procs {
    private Procs() {}

    /** Start time in clock ticks since boot (field 22 of /proc/PID/stat); -1 if gone or a zombie. */
    static long startTicks(long pid) {
        String[] f = statFields(pid);
        if (f == null || f[0].equals("Z") || f[0].equals("X")) return -1;
        return Long.parseLong(f[19]);
    }

    static long parent(long pid) {
        String[] f = statFields(pid);
        return f == null ? -1 : Long.parseLong(f[1]);
    }

    static boolean alive(long pid, long startTicks) {
        return pid > 0 && startTicks(pid) == startTicks;
    }

    /** The first child of {@code pid} (systemd-nspawn has exactly one: the container's init). */
    static long firstChild(long pid) {
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Path.of("/proc"), p -> p.getFileName().toString().chars().allMatch(Character::isDigit))) {
            long best = -1;
            for (Path p : ds) {
                long c = Long.parseLong(p.getFileName().toString());
                if (parent(c) == pid && (best < 0 || c < best)) best = c;
            }
            return best;
        } catch (IOException e) {
            return -1;
        }
    }

    /** Fields after the command name: index 0 is the state (field 3 of stat). */
    private static String[] statFields(long pid) {
        try {
            String s = Files.readString(Path.of("/proc/" + pid + "/stat"));
            // The command name is in parentheses and may itself hold spaces or ')'.
            return s.substring(s.lastIndexOf(')') + 2).split(" ");
        } catch (IOException | RuntimeException e) {
            return null;
        }
    }
}
