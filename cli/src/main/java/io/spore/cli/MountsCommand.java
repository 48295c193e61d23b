package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.spore.fuse.Mounts;
import picocli.CommandLine.Command;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "mounts", header = "List mounted images with their figures.",
        description = "One line per Spore mount of this machine: mount point, key, chunks fetched of total, "
                + "bytes fetched, cache hits, urgent wait p50/p99. --json prints all figures.")
final class MountsCommand extends BaseCommand {
    @Override
    public Integer call() {
        List<Mounts.Listed> listed = Mounts.listSystem();
        var daemon = new DaemonImages(socket()).figures();
        List<Map<String, Object>> rows = listed.stream().map(l -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("dir", l.dir().toString());
            m.put("key", l.image());
            Map<String, Object> figures = MountStatus.read(dataDir(), l.dir());
            // a 'container mount' through the daemon is a bind of the daemon's mount: same image, same figures
            JsonNode served = daemon.containsKey(l.dir()) ? daemon.get(l.dir())
                    : daemon.values().stream().filter(d -> d.path("key").asText().equals(l.image())).findFirst().orElse(null);
            if (served != null) {
                figures = Json.toMap(served);
                figures.keySet().removeAll(List.of("dir", "key"));
            }
            if (figures != null) m.putAll(figures);
            return m;
        }).toList();
        if (json()) {
            out().println(Json.write(rows));
            return ExitCode.OK;
        }
        if (rows.isEmpty()) {
            err().println("container: no images mounted");
            return ExitCode.OK;
        }
        for (Map<String, Object> r : rows) {
            if (r.containsKey("chunksTotal")) {
                out().printf("%s  %s  chunks fetched %s of %s, %s bytes fetched, %s cache hits, urgent p50 %s us p99 %s us%s%n",
                        r.get("dir"), r.get("key"), r.get("chunksFetched"), r.get("chunksTotal"), r.get("bytesFetched"),
                        r.get("cacheHits"), r.get("urgentP50Micros"), r.get("urgentP99Micros"),
                        Boolean.TRUE.equals(r.get("prefetch")) ? "" : ", no prefetch");
            } else {
                out().printf("%s  %s  (no figures: mounted by another data dir or process)%n", r.get("dir"), r.get("key"));
            }
        }
        return ExitCode.OK;
    }
}
