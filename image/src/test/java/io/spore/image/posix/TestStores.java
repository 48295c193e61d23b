package io.spore.image.posix;

import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.FileBlockStore;

import java.io.IOException;
import java.nio.file.Path;

/** The real on-disk block store, in a directory the test owns. */
final class TestStores {
    private TestStores() {}

    static BlockStore open(Path dataDir) throws IOException {
        return FileBlockStore.open(dataDir);
    }
}
