package io.spore.cli;

import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.FileBlockStore;

import java.io.IOException;
import java.nio.file.Path;

/** The one place that knows how the local block store is made. */
final class StoreFactory {
    private StoreFactory() {}

    static BlockStore open(Path dataDir) throws IOException {
        return FileBlockStore.open(dataDir);
    }
}
