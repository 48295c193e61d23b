package io.spore.cli;

import io.spore.cli.daemon.ImportFigures;
import io.spore.image.ImageWriter;
import io.spore.image.oci.OciImporter;
import io.spore.p2p.blockstore.BlockStore;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "import", header = "Import a Docker or OCI image archive and print its key.",
        description = {"Applies the image's layers in order (whiteouts and opaque directories included) into one image, "
                + "after checking every blob against its digest. Prints the key (bafy...) on stdout and a summary on stderr.",
                "The image config (Entrypoint, Cmd, Env, WorkingDir) is shown with --json but not stored: the image format holds "
                        + "the filesystem only."})
final class ImportCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "ARCHIVE", description = "A docker save .tar, an OCI archive .tar, or an OCI layout directory.")
    Path archive;

    @Option(names = "--platform", paramLabel = "OS/ARCH[/VARIANT]",
            description = "Which image of a multi-platform archive (default: the only one, else this machine's).")
    String platform;

    @Option(names = "--threads", paramLabel = "N", description = "Threads that chunk, compress and store (default: the number of CPUs).")
    int threads = Runtime.getRuntime().availableProcessors();

    @Override
    public Integer call() throws Exception {
        if (threads < 1) throw new UserException("--threads must be at least 1");
        long start = System.nanoTime();
        // Everything is read and checked before the store is opened: a bad archive leaves nothing behind.
        try (OciImporter.Prepared image = OciImporter.read(archive, platform, tmpDir())) {
            OciImporter.Result r;
            try (BlockStore store = LocalImages.openStore(dataDir(), true)) {
                r = image.write(store, threads);
            }
            double secs = (System.nanoTime() - start) / 1e9;
            ImageWriter.Stats s = r.stats();
            if (json()) {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("key", r.root().toString());
                m.put("format", image.format());
                m.put("platform", image.platform());
                m.put("layers", image.layers());
                m.putAll(ImportFigures.of(r.root(), s, secs));
                OciImporter.Config c = image.config();
                Map<String, Object> cfg = new LinkedHashMap<>();
                cfg.put("entrypoint", c.entrypoint());
                cfg.put("cmd", c.cmd());
                cfg.put("env", c.env());
                cfg.put("workingDir", c.workingDir());
                cfg.put("user", c.user());
                m.put("config", cfg);
                out().println(Json.write(m));
            } else {
                out().println(r.root());
            }
            err().printf("container: imported %s (%s, %s, %d layers): %d entries, %s of content in %d chunks, %s stored, %d new blocks, %.1f s%n",
                    archive, image.format(), image.platform(), image.layers(), s.entries(), LocalImages.mib(s.contentBytes()), s.chunks(),
                    LocalImages.mib(s.storedBytes()), s.newBlocks(), secs);
        }
        return ExitCode.OK;
    }

    /** The layers' file contents wait here until they are written in image order: on disk, not in a tmpfs /tmp. */
    private static Path tmpDir() {
        String t = System.getenv("TMPDIR");
        if (t != null && !t.isEmpty() && Files.isDirectory(Path.of(t))) return Path.of(t);
        return Files.isDirectory(Path.of("/var/tmp")) ? Path.of("/var/tmp") : Path.of(System.getProperty("java.io.tmpdir"));
    }
}
