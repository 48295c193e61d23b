package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Map;

/** {@code container name ...}: signed, updatable names (IPNS) for images. */
@Command(name = "name",
        header = "Make, list and resolve signed names (k51...) that point at images.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {NameCommand.Create.class, NameCommand.Ls.class, NameCommand.Resolve.class})
final class NameCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    @Command(name = "create", header = "Make a new name key; prints the name (k51...).",
            description = "The Ed25519 key stays in the daemon's data directory (names/keys/LABEL.key, mode 0600): "
                    + "whoever holds it can move the name, so back it up.")
    static final class Create extends BaseCommand {
        @Parameters(index = "0", paramLabel = "LABEL", description = "A local label for the key (a-z, 0-9, '.', '_', '-').")
        String label;

        @Override
        public Integer call() {
            JsonNode r = new ControlClient(socket()).post("/v1/names", Map.of("label", label));
            out().println(json() ? r.toString() : r.path("name").asText());
            return ExitCode.OK;
        }
    }

    @Command(name = "ls", header = "List name keys and the image each points at.")
    static final class Ls extends BaseCommand {
        @Override
        public Integer call() {
            JsonNode r = new ControlClient(socket()).get("/v1/names");
            if (json()) {
                out().println(r.toString());
                return ExitCode.OK;
            }
            for (JsonNode n : r.path("names")) {
                String target = n.has("sequence")
                        ? n.path("key").asText(n.path("value").asText()) + "  seq " + n.path("sequence").asLong() + "  until " + n.path("validity").asText()
                        : "(not published)";
                out().printf("%-16s %s  %s%n", n.path("label").asText(), n.path("name").asText(), target);
            }
            return ExitCode.OK;
        }
    }

    @Command(name = "resolve", header = "Print the image a name points at now (highest valid sequence, here and on the DHT).")
    static final class Resolve extends BaseCommand {
        @Parameters(index = "0", paramLabel = "NAME", description = "The name (k51...).")
        String name;

        @Override
        public Integer call() {
            JsonNode r = new ControlClient(socket()).get("/v1/names/resolve?name=" + URLEncoder.encode(name, StandardCharsets.UTF_8));
            out().println(json() ? r.toString() : r.path("key").asText());
            return ExitCode.OK;
        }
    }
}
