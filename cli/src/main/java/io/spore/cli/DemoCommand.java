package io.spore.cli;

import picocli.CommandLine.Command;

@Command(name = "demo", header = "PLACEHOLDER: demo")
final class DemoCommand extends BaseCommand {
    @Override
    public Integer call() {
        throw new UserException("'container demo' is not implemented yet");
    }
}
