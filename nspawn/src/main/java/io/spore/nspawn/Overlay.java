package io.spore.nspawn;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The machine's tree: overlayfs with the read-only image below and the machine's writes above. */
final class Overlay {
    private final ProcessRunner runner;

    Overlay(ProcessRunner runner) {
        this.runner = runner;
    }

    void mount(Path lower, Path upper, Path work, Path root) {
        for (Path p : List.of(lower, upper, work)) {
            // overlayfs splits its options at ',' and lower layers at ':'.
            if (p.toString().matches(".*[,:\\\\].*")) {
                throw new NspawnException(p + " holds ',', ':' or '\\', which overlayfs cannot take: use a path without them");
            }
        }
        runner.check(List.of("mount", "-t", "overlay", "overlay",
                "-o", "lowerdir=" + lower + ",upperdir=" + upper + ",workdir=" + work, root.toString()));
    }

    void unmount(Path root) {
        if (!isMounted(root)) return;
        if (!runner.run(List.of("umount", root.toString())).ok()) {
            // Something still has it open (a shell cd'ed into it): detach now, freed when closed.
            runner.check(List.of("umount", "--lazy", root.toString()));
        }
    }

    static boolean isMounted(Path dir) {
        String want = dir.toAbsolutePath().normalize().toString();
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
                String[] f = line.split(" ");
                if (f.length > 4 && unescape(f[4]).equals(want)) return true;
            }
        } catch (IOException e) {
            return false;
        }
        return false;
    }

    private static String unescape(String s) {
        return s.replace("\\040", " ").replace("\\011", "\t").replace("\\012", "\n").replace("\\134", "\\");
    }
}
