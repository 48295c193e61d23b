package io.spore.cli;

import io.spore.cli.daemon.ImportFigures;
import io.spore.image.ImageWriter;
import io.spore.image.posix.Importer;
import io.spore.p2p.blockstore.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "share", header = "Import a directory tree into the local store and print its key.",
        description = "Prints the key (bafy...) on stdout and a one-line summary on stderr. The same tree "
                + "always gives the same key, whatever the thread count.")
final class ShareCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "DIR", description = "The root directory of the tree (a root filesystem).")
    Path dir;

    @Option(names = "--threads", paramLabel = "N", description = "Threads that chunk, compress and store (default: the number of CPUs).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        if (threads < 1) throw new UserException("--threads must be at least 1");
        // A running daemon imports into its own store and announces at once; --data-dir means "this store, locally".
        if (!Given.option(spec, "--data-dir") && io.spore.cli.daemon.ControlClient.isRunning(socket())) return viaDaemon();
        long start = System.nanoTime();
        Importer.Result r;
        try (BlockStore store = LocalImages.openStore(dataDir(), true)) {
            // the store never shares itself, e.g. 'container share /' with the default data directory
            r = Importer.importTree(LocalImages.bytes(dir), store, threads, java.util.List.of(LocalImages.bytes(dataDir())));
        }
        double secs = (System.nanoTime() - start) / 1e9;
        ImageWriter.Stats s = r.stats();
        if (json()) {
            out().println(Json.write(ImportFigures.of(r.root(), s, secs)));
        } else {
            out().println(r.root());
        }
        err().printf("container: shared %s: %d entries, %s of content in %d chunks, %s stored, %d new blocks, %.1f s (%.0f MB/s)%n",
                dir, s.entries(), LocalImages.mib(s.contentBytes()), s.chunks(), LocalImages.mib(s.storedBytes()),
                s.newBlocks(), secs, s.contentBytes() / 1e6 / Math.max(secs, 1e-9));
        return ExitCode.OK;
    }

    private int viaDaemon() {
        Map<String, Object> req = new LinkedHashMap<>();
        req.put("path", dir.toAbsolutePath().normalize().toString());
        req.put("threads", threads);
        var done = new io.spore.cli.daemon.ControlClient(socket()).stream("/v1/share", req, ev -> {});
        if (json()) out().println(done.toString());
        else out().println(done.path("key").asText());
        err().printf("container: shared %s through the daemon: %d entries, %s of content in %d chunks, %s stored, %d new blocks, %.1f s%n",
                dir, done.path("entries").asLong(), LocalImages.mib(done.path("contentBytes").asLong()), done.path("chunks").asLong(),
                LocalImages.mib(done.path("storedBytes").asLong()), done.path("newBlocks").asLong(), done.path("seconds").asDouble());
        return ExitCode.OK;
    }
}
