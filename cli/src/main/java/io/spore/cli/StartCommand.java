package io.spore.cli;

import io.spore.nspawn.MachineInfo;
import io.spore.nspawn.Machines;
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
        Machines machines = MachinesAccess.open(this);
        MachineInfo before = machines.get(name);
        if (DaemonImages.isKeyed(before) && before.state() == io.spore.nspawn.MachineState.STOPPED) {
            // Its image is a daemon mount, which may be gone since (daemon restarted, last machine removed).
            DaemonImages.Mounted mounted = new DaemonImages(socket()).mount(before.label(), true);
            if (!mounted.dir().equals(before.lowerDir())) {
                throw new UserException("the daemon mounted " + before.label() + " at " + mounted.dir() + " but " + name + " was booted over "
                        + before.lowerDir() + ": run the daemon with the --data-dir it had then");
            }
        }
        MachineInfo m = machines.start(name, !noWait);
        out().printf("%s %s at %s%n", m.name(), noWait ? "started" : "is up", m.address());
        return ExitCode.OK;
    }
}
