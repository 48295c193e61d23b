package io.spore.cli;

import io.spore.nspawn.MachineInfo;
import picocli.CommandLine.Command;

import java.util.List;

@Command(name = "ls", mixinStandardHelpOptions = true, header = "List machines: name, image, state, address, how much of the image is here, uptime.")
final class LsCommand extends BaseCommand {
    @Override
    public Integer call() {
        List<MachineInfo> all = MachinesAccess.open(this).list();
        // Images booted from a key are daemon mounts: the daemon knows how much of each is here.
        var figures = all.stream().anyMatch(DaemonImages::isKeyed) ? new DaemonImages(socket()).figures() : java.util.Map.<java.nio.file.Path, com.fasterxml.jackson.databind.JsonNode>of();
        if (json()) {
            out().println(MachinesAccess.toJson(all.stream().map(m -> {
                var o = MachinesAccess.json(m);
                var f = figures.get(m.lowerDir());
                if (f != null) {
                    o.put("bytesLocal", f.path("bytesLocal").asLong());
                    o.put("imageBytes", f.path("imageBytes").asLong());
                    o.put("bytesFetched", f.path("bytesFetched").asLong());
                }
                return o;
            }).toList()));
            return ExitCode.OK;
        }
        int nameW = Math.max(4, all.stream().mapToInt(m -> m.name().length()).max().orElse(0));
        int labelW = Math.max(5, all.stream().mapToInt(m -> m.label().length()).max().orElse(0));
        String fmt = "%-" + nameW + "s  %-" + labelW + "s  %-7s  %-15s  %-22s  %s%n";
        out().printf(fmt, "NAME", "IMAGE", "STATE", "ADDRESS", "FETCHED", "UPTIME");
        for (MachineInfo m : all) {
            var f = figures.get(m.lowerDir());
            String fetched = f == null ? "-" : Progress.size(f.path("bytesLocal").asLong()) + " of " + Progress.size(f.path("imageBytes").asLong());
            out().printf(fmt, m.name(), m.label(), m.state().name().toLowerCase(java.util.Locale.ROOT),
                    m.address() == null ? "-" : m.address(), fetched, MachinesAccess.uptime(m.uptime()));
        }
        return ExitCode.OK;
    }
}
