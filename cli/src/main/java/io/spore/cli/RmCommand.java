package io.spore.cli;

import io.spore.nspawn.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "rm", mixinStandardHelpOptions = true, header = "Remove a machine and its writes; release its address.",
        description = "Stops it first if it runs. The host bridge and NAT table go with the last machine.")
final class RmCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    public Integer call() {
        Machines machines = MachinesAccess.open(this);
        for (String n : names) {
            machines.rm(n);
            out().println(n + " removed");
        }
        return ExitCode.OK;
    }
}
