package io.spore.cli;

import io.spore.nspawn.MachineInfo;
import picocli.CommandLine.Command;

import java.util.List;

@Command(name = "ls", mixinStandardHelpOptions = true, header = "List machines: name, image, state, address, uptime.")
final class LsCommand extends BaseCommand {
    @Override
    public Integer call() {
        List<MachineInfo> all = MachinesAccess.open(this).list();
        if (json()) {
            out().println(MachinesAccess.toJson(all.stream().map(MachinesAccess::json).toList()));
            return ExitCode.OK;
        }
        int nameW = Math.max(4, all.stream().mapToInt(m -> m.name().length()).max().orElse(0));
        int labelW = Math.max(5, all.stream().mapToInt(m -> m.label().length()).max().orElse(0));
        String fmt = "%-" + nameW + "s  %-" + labelW + "s  %-7s  %-15s  %s%n";
        out().printf(fmt, "NAME", "IMAGE", "STATE", "ADDRESS", "UPTIME");
        for (MachineInfo m : all) {
            out().printf(fmt, m.name(), m.label(), m.state().name().toLowerCase(java.util.Locale.ROOT),
                    m.address() == null ? "-" : m.address(), MachinesAccess.uptime(m.uptime()));
        }
        return ExitCode.OK;
    }
}
