package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import picocli.CommandLine.Command;

import java.util.Map;

@Command(name = "gc", header = "Remove blocks that no pinned or mounted image uses.")
final class GcCommand extends BaseCommand {
    @Override
    public Integer call() {
        JsonNode r = new ControlClient(socket()).post("/v1/gc", Map.of());
        if (json()) {
            out().println(r.toString());
        } else {
            out().printf("removed %d blocks (%s), kept %d blocks (%s) in %.2f s%n", r.path("removedBlocks").asLong(),
                    LocalImages.mib(r.path("removedBytes").asLong()), r.path("keptBlocks").asLong(),
                    LocalImages.mib(r.path("keptBytes").asLong()), r.path("seconds").asDouble());
        }
        return ExitCode.OK;
    }
}
