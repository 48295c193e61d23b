package io.spore.cli;

import io.spore.nspawn.MachineInfo;
import io.spore.nspawn.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "rm", mixinStandardHelpOptions = true, header = "Remove a machine and its writes; release its address.",
        description = {"Stops it first if it runs. The host bridge and NAT table go with the last machine;",
                "the daemon unmounts an image when its last machine is removed."})
final class RmCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    public Integer call() {
        Machines machines = MachinesAccess.open(this);
        DaemonImages images = new DaemonImages(socket());
        for (String n : names) {
            MachineInfo m = machines.get(n);
            machines.rm(n);
            out().println(n + " removed");
            if (DaemonImages.isKeyed(m) && images.running()) images.releaseIfUnused(m.lowerDir(), machines);
        }
        return ExitCode.OK;
    }
}
