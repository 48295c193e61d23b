package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.hostos.Vm;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Machines that live in the Spore OS VM ({@code container vm up}) rather than on this machine:
 * {@code container boot KEY --vm} runs the boot there over SSH, and {@code container ssh NAME}
 * reaches such a machine through the VM as an SSH jump host.
 */
final class VmMachines {
    /** Where Spore OS keeps machines (its daemon's --data-dir, see os/init). */
    static final String VM_DATA_DIR = "/var/lib/spore";

    private VmMachines() {}

    /**
     * Runs {@code container ARGS...} in the VM with its output streamed here as it comes; the
     * VM's root keys (this machine's key) go into the container, so {@link #sshArgv} gets in.
     */
    static int run(BaseCommand c, List<String> args) throws IOException, InterruptedException {
        Vm vm = VmCommand.vm(c);
        if (!vm.status().running()) throw new UserException("no VM is running: start one with 'container vm up' (or boot here without --vm)");
        List<String> remote = new ArrayList<>(List.of("container"));
        for (String a : args) remote.add(quote(a));
        return new ProcessBuilder(vm.sshCommand(remote, false)).inheritIO().start().waitFor();
    }

    /** The address of machine {@code name} inside the VM, if a VM runs and has that machine. */
    static Optional<String> address(BaseCommand c, String name) throws IOException, InterruptedException {
        if (!name.matches("[A-Za-z0-9][A-Za-z0-9_.-]*")) return Optional.empty();
        Vm vm = VmCommand.vm(c);
        if (!vm.status().running()) return Optional.empty();
        Process p = new ProcessBuilder(vm.sshCommand(List.of("cat", VM_DATA_DIR + "/machines/" + name + "/config.json"), false))
                .redirectError(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        if (p.waitFor() != 0) return Optional.empty();
        JsonNode a = new ObjectMapper().readTree(new String(out, StandardCharsets.UTF_8)).path("address");
        return a.isTextual() && !a.asText().isEmpty() ? Optional.of(a.asText()) : Optional.empty();
    }

    /**
     * ssh to root@address through the VM: the jump is a ProxyCommand (not -J) because options
     * given on the command line, such as the VM's key, do not reach -J's jump connection.
     */
    static List<String> sshArgv(BaseCommand c, String address, String identity) {
        Vm vm = VmCommand.vm(c);
        List<String> jump = vm.sshCommand(List.of(), false);
        String vmHost = jump.removeLast();
        String key = jump.get(jump.indexOf("-i") + 1);
        String proxy = String.join(" ", jump.stream().map(VmMachines::quote).toList()) + " -W %h:%p " + vmHost;
        List<String> argv = new ArrayList<>(List.of("ssh", "-o", "ProxyCommand=" + proxy, "-o", "StrictHostKeyChecking=no",
                "-o", "UserKnownHostsFile=/dev/null", "-o", "LogLevel=ERROR", "-i", identity != null ? identity : key));
        argv.add("root@" + (address.equals("host") ? "127.0.0.1" : address));
        return argv;
    }

    /**
     * The arguments given after subcommand {@code name}, less {@code drop} and this machine's
     * --data-dir and --socket (the VM has its own: Spore OS's defaults).
     */
    static List<String> argsAfter(picocli.CommandLine.Model.CommandSpec spec, String name, String drop) {
        List<String> all = spec.commandLine().getParseResult().originalArgs();
        List<String> out = new ArrayList<>(List.of(name));
        for (int i = all.indexOf(name) + 1; i < all.size(); i++) {
            String a = all.get(i);
            if (a.equals("--data-dir") || a.equals("--socket")) i++;
            else if (!a.equals(drop) && !a.startsWith("--data-dir=") && !a.startsWith("--socket=")) out.add(a);
        }
        return out;
    }

    /** One argument for the remote shell, which ssh hands the joined command line to. */
    static String quote(String s) {
        return s.matches("[A-Za-z0-9_./:=@%+,-]+") ? s : "'" + s.replace("'", "'\\''") + "'";
    }
}
