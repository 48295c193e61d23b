package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.List;

@Command(name = "shell", mixinStandardHelpOptions = true, header = "Enter a running machine without SSH.",
        description = "Enters the namespaces of the machine's init (nsenter): a login shell, or the command after --.")
final class ShellCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "Command to run instead of a shell.")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        return MachinesAccess.open(this).shell(name, command);
    }
}
