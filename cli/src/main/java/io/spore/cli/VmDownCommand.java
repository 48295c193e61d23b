package io.spore.cli;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.time.Duration;

/** {@code container vm down}: a clean poweroff over SSH, then qemu, dnsmasq and the tap go. */
@Command(name = "down", header = "Power the VM off and remove its tap device and DHCP server.")
final class VmDownCommand extends BaseCommand {
    @Option(names = "--grace", paramLabel = "SECONDS", defaultValue = "30", description = "How long to wait for a clean poweroff (default: ${DEFAULT-VALUE}).")
    long grace;

    @Override
    public Integer call() {
        boolean was = VmCommand.vm(this).down(Duration.ofSeconds(grace));
        err().println(was ? "container: the VM is down" : "container: no VM was running (network cleaned up)");
        return ExitCode.OK;
    }
}
