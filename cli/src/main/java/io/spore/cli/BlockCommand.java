package io.spore.cli;

import io.spore.cli.daemon.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.FileOutputStream;
import java.io.FileDescriptor;
import java.io.IOException;
import java.io.OutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;

@Command(name = "block", header = "Get or put single blocks through the daemon (for operators).",
        subcommands = {BlockCommand.Get.class, BlockCommand.Put.class})
final class BlockCommand implements Runnable {
    @picocli.CommandLine.Spec picocli.CommandLine.Model.CommandSpec spec;

    @Override public void run() { spec.commandLine().usage(spec.commandLine().getOut()); }

    @Command(name = "get", header = "Print a block's bytes: from the daemon's store, else fetched from peers.")
    static final class Get extends BaseCommand {
        @Parameters(index = "0", paramLabel = "CID") String cid;

        @Option(names = "--peer", paramLabel = "MADDR", description = "Connect to this peer (/ip4/.../tcp/.../p2p/...) and ask it too.")
        String peer;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write the block here instead of stdout.")
        Path output;

        @Override
        public Integer call() throws IOException {
            String path = "/v1/blocks/" + URLEncoder.encode(cid, StandardCharsets.UTF_8)
                    + (peer == null ? "" : "?peer=" + URLEncoder.encode(peer, StandardCharsets.UTF_8));
            byte[] data = new ControlClient(socket()).getBytes(path);
            if (output != null) {
                Files.write(output, data);
            } else {
                OutputStream o = new FileOutputStream(FileDescriptor.out);
                o.write(data);
                o.flush();
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "put", header = "Store a file as one raw block in the daemon's store and print its CID.")
    static final class Put extends BaseCommand {
        @Parameters(index = "0", paramLabel = "FILE") Path file;

        @Override
        public Integer call() throws IOException {
            byte[] data;
            try {
                if (Files.size(file) > 2 * 1024 * 1024) {
                    throw new UserException(file + " is larger than a block may be (2 MiB): use 'container share' for trees");
                }
                data = Files.readAllBytes(file);
            } catch (NoSuchFileException e) {
                throw new UserException(file + " does not exist: give a file to store");
            }
            String cid = new ControlClient(socket()).postBytes("/v1/blocks", data).path("cid").asText();
            if (json()) out().println(Json.write(java.util.Map.of("cid", cid)));
            else out().println(cid);
            out().flush();
            return ExitCode.OK;
        }
    }
}
