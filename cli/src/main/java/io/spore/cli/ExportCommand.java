package io.spore.cli;

import picocli.CommandLine.Command;

@Command(name = "export", header = "PLACEHOLDER: export")
final class ExportCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw new UserException("'container export' is not implemented yet");
    }
}
