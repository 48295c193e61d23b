package io.spore.cli;

import picocli.CommandLine.Command;

@Command(name = "inspect", header = "PLACEHOLDER: inspect")
final class InspectCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw new UserException("'container inspect' is not implemented yet");
    }
}
