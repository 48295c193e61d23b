package io.spore.cli;

import picocli.CommandLine.Command;

@Command(name = "verify", header = "PLACEHOLDER: verify")
final class VerifyCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw new UserException("'container verify' is not implemented yet");
    }
}
