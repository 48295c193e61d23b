package io.spore.cli;

import io.spore.image.Image;
import io.spore.image.posix.Exporter;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;

@Command(name = "export", header = "Write an image from the local store back as a directory tree.",
        description = "DIR must not exist or be empty. Owners, modes, times, xattrs, devices and hard links "
                + "are restored exactly (run as root for owners and devices).")
final class ExportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The image's key (bafy...).")
    String key;

    @Parameters(index = "1", paramLabel = "DIR", description = "A new or empty directory.")
    Path dir;

    @Override
    public Integer call() throws Exception {
        Cid cid = LocalImages.parseKey(key, dataDir());
        long start = System.nanoTime();
        Image image;
        try (BlockStore store = LocalImages.openStore(dataDir(), false)) {
            image = LocalImages.openImage(store, cid, dataDir());
            Exporter.export(image, store, LocalImages.bytes(dir));
        }
        double secs = (System.nanoTime() - start) / 1e9;
        err().printf("container: exported %s to %s: %d entries, %s of content, %.1f s%n",
                cid, dir, image.size(), LocalImages.mib(image.contentBytes()), secs);
        return ExitCode.OK;
    }
}
