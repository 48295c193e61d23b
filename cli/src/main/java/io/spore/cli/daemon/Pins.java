package io.spore.cli.daemon;

import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Images that must stay in the store (shared, pulled, booted or pinned by hand): one empty file per key under {@code pins/}. */
final class Pins {
    private final Path dir;

    Pins(Path dataDir) throws IOException {
        this.dir = dataDir.resolve("pins");
        Files.createDirectories(dir);
    }

    void add(Cid key) throws IOException {
        Path p = dir.resolve(key.toString());
        if (!Files.exists(p)) Files.createFile(p);
    }

    /** Unpins {@code key}; false when it was not pinned. */
    boolean remove(Cid key) throws IOException {
        return Files.deleteIfExists(dir.resolve(key.toString()));
    }

    boolean contains(Cid key) {
        return Files.exists(dir.resolve(key.toString()));
    }

    List<Cid> all() throws IOException {
        List<Cid> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(dir)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                try {
                    out.add(Cid.parse(p.getFileName().toString()));
                } catch (IllegalArgumentException e) {
                    // not ours: leave it alone
                }
            }
        }
        return out;
    }
}
