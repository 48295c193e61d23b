package io.spore.cli;

import io.spore.nspawn.Machines;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.List;

@Command(name = "stop", mixinStandardHelpOptions = true, header = "Power a machine off cleanly; its writes stay.",
        description = "systemd-nspawn passes the poweroff on to the machine's init; a machine still up after 30 s is killed.")
final class StopCommand extends BaseCommand {
    @Parameters(arity = "1..*", paramLabel = "NAME")
    List<String> names;

    @Override
    public Integer call() {
        Machines machines = MachinesAccess.open(this);
        for (String n : names) {
            out().println(machines.stop(n) ? n + " stopped" : n + " was not running");
        }
        return ExitCode.OK;
    }
}
