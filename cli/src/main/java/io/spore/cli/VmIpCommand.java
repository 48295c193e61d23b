package io.spore.cli;

import picocli.CommandLine.Command;

/** {@code container vm ip}: the running VM's address. */
@Command(name = "ip", header = "Print the VM's address.")
final class VmIpCommand extends BaseCommand {
    @Override
    public Integer call() {
        out().println(VmCommand.vm(this).ip()
                .orElseThrow(() -> new UserException("no VM is running: start one with 'container vm up'")));
        return ExitCode.OK;
    }
}
