package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/** {@code container vm ssh [-- COMMAND...]}: a root shell or one command in the VM. */
@Command(name = "ssh", header = "Log in to the VM as root, or run a command there.")
final class VmSshCommand extends BaseCommand {
    @Option(names = {"-t", "--tty"}, description = "Force a terminal (for interactive commands).")
    boolean tty;

    @Parameters(paramLabel = "COMMAND", arity = "0..*", description = "What to run (after --); none for a shell.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() throws IOException, InterruptedException {
        List<String> cmd = VmCommand.vm(this).sshCommand(command, tty);
        return new ProcessBuilder(cmd).inheritIO().start().waitFor();
    }
}
