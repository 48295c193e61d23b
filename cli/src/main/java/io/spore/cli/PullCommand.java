package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.cli.daemon.ControlClient;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.Map;

@Command(name = "pull", header = "Fetch a whole image into the daemon's store, with progress.",
        description = "Resumes where an interrupted pull stopped: blocks already stored are not fetched again. "
                + "With --json, prints every progress event as one JSON line.")
final class PullCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The image key (bafy...).")
    String key;

    @Override
    public Integer call() {
        ControlClient client = new ControlClient(socket());
        boolean tty = System.console() != null;
        long[] lastLine = {0};
        JsonNode done = client.stream("/v1/pull", Map.of("key", key), ev -> {
            if (json()) {
                out().println(ev.toString());
                out().flush();
            } else if ("progress".equals(ev.path("event").asText())) {
                long now = System.nanoTime();
                if (tty) {
                    err().print("\r" + Progress.bar(ev) + "\033[K");
                    err().flush();
                } else if (now - lastLine[0] > 5_000_000_000L) {
                    lastLine[0] = now;
                    err().println("container: " + Progress.bar(ev));
                    err().flush();
                }
            }
        });
        if (json()) {
            out().println(done.toString());
        } else {
            if (tty) err().print("\r\033[K");
            err().printf("container: pulled %s: %d blocks, %s in %.1f s (%s) from %d peers%n", done.path("key").asText(),
                    done.path("totalBlocks").asLong(), Progress.size(done.path("totalBytes").asLong()), done.path("seconds").asDouble(),
                    Progress.rate(done.path("rate").asDouble()), done.path("peers").asInt());
            out().println(done.path("key").asText());
        }
        out().flush();
        err().flush();
        return ExitCode.OK;
    }
}
