package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.util.LinkedHashMap;
import java.util.Map;

@Command(name = "publish", header = "Point a name at an image: sign a record, store it and put it on the DHT.",
        description = "The record's sequence is one above the highest known, so it replaces every earlier one. "
                + "The daemon signs it again before it expires.")
final class PublishCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "LABEL", description = "The name key's label ('container name create').")
    String label;

    @Parameters(index = "1", paramLabel = "KEY", description = "The image key (bafy...), in the daemon's store.")
    String key;

    @Option(names = "--lifetime", paramLabel = "SECONDS", description = "How long the record stays valid (default: 172800, 48 h).")
    Long lifetime;

    @Override
    public Integer call() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("label", label);
        body.put("key", key);
        if (lifetime != null) body.put("lifetimeSeconds", lifetime);
        JsonNode r = new ControlClient(socket()).post("/v1/publish", body);
        if (json()) {
            out().println(r.toString());
        } else {
            long stored = r.path("stored").asLong();
            err().printf("container: %s -> %s (sequence %d, valid until %s, %s)%n", r.path("name").asText(), r.path("key").asText(),
                    r.path("sequence").asLong(), r.path("validity").asText(),
                    stored < 0 ? "DHT put still going on" : "stored on " + stored + " DHT peers");
            out().println(r.path("name").asText());
        }
        return ExitCode.OK;
    }
}
