package io.spore.cli;

import io.spore.nspawn.MachineInfo;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

@Command(name = "start", mixinStandardHelpOptions = true, header = "Boot a stopped machine again, with the writes it had.")
final class StartCommand extends BaseCommand {
    @Parameters(paramLabel = "NAME")
    String name;

    @Option(names = "--no-wait", description = "Return once started, without waiting for SSH.")
    boolean noWait;

    @Override
    public Integer call() {
        MachineInfo m = MachinesAccess.open(this).start(name, !noWait);
        out().printf("%s %s at %s%n", m.name(), noWait ? "started" : "is up", m.address());
        return ExitCode.OK;
    }
}
