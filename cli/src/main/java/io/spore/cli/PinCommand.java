package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.util.Map;

/** {@code container pin ...}: images that garbage collection and the cache limit must keep. */
@Command(name = "pin",
        header = "Keep images in the store: shared, pulled and booted images are pinned already.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {PinCommand.Add.class, PinCommand.Rm.class, PinCommand.Ls.class})
final class PinCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "add", header = "Pin an image in the store (bafy... or a k51... name, resolved now).")
    static final class Add extends BaseCommand {
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        public Integer call() {
            JsonNode r = new ControlClient(socket()).post("/v1/pins", Map.of("key", key));
            out().println(json() ? r.toString() : r.path("key").asText());
            return ExitCode.OK;
        }
    }

    @Command(name = "rm", header = "Unpin an image: 'container gc' may then remove its blocks.")
    static final class Rm extends BaseCommand {
        @Parameters(index = "0", paramLabel = "KEY") String key;

        @Override
        public Integer call() {
            JsonNode r = new ControlClient(socket()).post("/v1/pins/rm", Map.of("key", key));
            out().println(json() ? r.toString() : r.path("key").asText());
            return ExitCode.OK;
        }
    }

    @Command(name = "ls", header = "List pinned images.")
    static final class Ls extends BaseCommand {
        @Override
        public Integer call() {
            JsonNode r = new ControlClient(socket()).get("/v1/pins");
            if (json()) {
                out().println(r.toString());
                return ExitCode.OK;
            }
            for (JsonNode p : r.path("pins")) {
                out().println(p.path("key").asText() + (p.path("present").asBoolean() ? "" : "  (not in the store)"));
            }
            return ExitCode.OK;
        }
    }
}
