package io.spore.tests.net;

import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

/** Trees to share and checks of what a block store holds. */
public final class Trees {
    private Trees() {}

    /** Incompressible files (about {@code mib} MiB of blocks), small config files and a link. */
    public static Path random(Path dir, int mib, long seed) throws IOException {
        Files.createDirectories(dir.resolve("etc"));
        Files.createDirectories(dir.resolve("usr/lib"));
        Random r = new Random(seed);
        byte[] b = new byte[1 << 20];
        for (int i = 0; i < mib; i++) {
            r.nextBytes(b);
            Files.write(dir.resolve("usr/lib/big" + i + ".so"), b);
        }
        for (int i = 0; i < 100; i++) Files.writeString(dir.resolve("etc/small" + i + ".conf"), "setting" + i + "=" + r.nextInt() + "\n");
        Files.createSymbolicLink(dir.resolve("lib"), Path.of("usr/lib"));
        return dir;
    }

    /** Block files whose bytes do not hash to their name (CID): nothing corrupt means this is empty. */
    public static List<Path> corruptBlocks(Path dataDir) throws IOException {
        Path blocks = dataDir.resolve("blocks");
        List<Path> bad = new ArrayList<>();
        if (!Files.isDirectory(blocks)) return bad;
        try (Stream<Path> s = Files.walk(blocks)) {
            for (Path p : s.filter(Files::isRegularFile).toList()) {
                if (p.getParent().getFileName().toString().equals(".tmp")) continue;
                Cid cid;
                try {
                    cid = Cid.parse(p.getFileName().toString());
                } catch (RuntimeException e) {
                    bad.add(p);
                    continue;
                }
                if (!cid.matches(Files.readAllBytes(p))) bad.add(p);
            }
        }
        return bad;
    }
}
