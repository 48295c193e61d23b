package io.spore.cli;

import io.spore.nspawn.MachineInfo;
import io.spore.nspawn.MachineState;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

@Command(name = "ssh", mixinStandardHelpOptions = true, header = "SSH into a machine as root.",
        description = "A shell, or the command after --, as in: container ssh web-1 -- cat /etc/os-release")
final class SshCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "NAME")
    String name;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "Command to run instead of a shell.")
    List<String> command = new ArrayList<>();

    @Option(names = {"-i", "--identity"}, paramLabel = "FILE", description = "Private key file (default: ssh's own choice).")
    String identity;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (MachinesAccess.open(this).list().stream().noneMatch(m -> m.name().equals(name))) {
            // Not here: a machine booted in the Spore OS VM (boot --vm), reached with the VM as jump host.
            var inVm = VmMachines.address(this, name);
            if (inVm.isPresent()) {
                List<String> argv = VmMachines.sshArgv(this, inVm.get(), identity);
                argv.addAll(command);
                return new ProcessBuilder(argv).inheritIO().start().waitFor();
            }
        }
        MachineInfo m = MachinesAccess.open(this).get(name);
        if (m.state() != MachineState.RUNNING) {
            throw new UserException("machine " + name + " is not running: start it with 'container start " + name + "'");
        }
        // A machine on the host's network has no address of its own; its sshd is the host's port 22.
        String host = m.address().equals("host") ? "127.0.0.1" : m.address();
        List<String> argv = new ArrayList<>(List.of("ssh", "-o", "StrictHostKeyChecking=no", "-o", "UserKnownHostsFile=/dev/null",
                "-o", "LogLevel=ERROR"));
        if (identity != null) argv.addAll(List.of("-i", identity));
        argv.add("root@" + host);
        argv.addAll(command);
        return new ProcessBuilder(argv).inheritIO().start().waitFor();
    }
}
