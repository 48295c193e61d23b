package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code container os}: Spore OS, the host the daemon runs on. */
@Command(name = "os", header = "Build Spore OS (kernel + initramfs, ISO).",
        synopsisSubcommandLabel = "COMMAND", subcommands = {OsBuildCommand.class})
final class OsCommand implements Runnable {
    @Spec CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}
