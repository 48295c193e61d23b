package io.spore.cli;

import io.spore.hostos.Vm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code container vm}: Spore OS in qemu on this machine. */
@Command(name = "vm", header = "Run Spore OS in a local VM (qemu) and reach it.",
        synopsisSubcommandLabel = "COMMAND",
        subcommands = {VmUpCommand.class, VmIpCommand.class, VmSshCommand.class, VmStatusCommand.class, VmDownCommand.class})
final class VmCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** The VM's state lives under the data dir, so a test's --data-dir keeps its VM apart. */
    static Vm vm(BaseCommand c) {
        return new Vm(c.dataDir().resolve("vm"));
    }
}
