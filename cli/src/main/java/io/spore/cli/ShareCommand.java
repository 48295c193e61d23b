package io.spore.cli;

import picocli.CommandLine.Command;

@Command(name = "share", header = "PLACEHOLDER: share")
final class ShareCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw new UserException("'container share' is not implemented yet");
    }
}
