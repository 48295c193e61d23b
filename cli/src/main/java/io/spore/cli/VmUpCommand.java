package io.spore.cli;

import io.spore.hostos.Vm;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/** {@code container vm up}: boots Spore OS and prints its address once sshd answers. */
@Command(name = "up", header = "Boot Spore OS in qemu; print its address once SSH answers.",
        description = {"The VM gets a tap device on a host bridge, where dnsmasq leases it an address; the",
                "leases file tells where it is. KVM is used only if a probe shows it works, else TCG."})
final class VmUpCommand extends BaseCommand {
    @Option(names = "--memory", paramLabel = "SIZE", defaultValue = "1G", description = "Memory, in M or G (default: ${DEFAULT-VALUE}).")
    String memory;

    @Option(names = "--cpus", paramLabel = "N", description = "vCPUs (default: 1 under TCG, 2 under KVM).")
    int cpus;

    @Option(names = "--disk", paramLabel = "FILE", description = "Persistent disk for /var/lib/spore; made (ext4, label spore-persist) if missing.")
    Path disk;

    @Option(names = "--disk-size", paramLabel = "SIZE", defaultValue = "4G", description = "Size of a new --disk (default: ${DEFAULT-VALUE}).")
    String diskSize;

    @Option(names = "--hostname", paramLabel = "NAME", description = "The VM's hostname (default: spore-<random>).")
    String hostname;

    @Option(names = "--ssh-key", paramLabel = "FILE", description = "OpenSSH public key to log in with (default: a new ed25519 key in <data-dir>/vm).")
    Path sshKey;

    @Option(names = "--peer", paramLabel = "MULTIADDR", description = "A bootstrap peer for the VM's daemon (repeatable).")
    List<String> peers = new ArrayList<>();

    @Option(names = "--accel", paramLabel = "auto|kvm|tcg", defaultValue = "auto", description = "Accelerator (default: ${DEFAULT-VALUE}).")
    Vm.Accel accel;

    @Option(names = "--bridge", paramLabel = "NAME", defaultValue = "spore-vm0", description = "Host bridge (default: ${DEFAULT-VALUE}; not spore0 and 10.77.0.0/24, which machines use, inside the VM too).")
    String bridge;

    @Option(names = "--bridge-address", paramLabel = "CIDR", defaultValue = "10.78.0.1/24", description = "The bridge's address and network (default: ${DEFAULT-VALUE}).")
    String bridgeAddress;

    @Option(names = "--no-nat", description = "Do not masquerade the VM's traffic out of this machine.")
    boolean noNat;

    @Option(names = "--kernel", paramLabel = "FILE", description = "Kernel (default: <data-dir>/os/vmlinuz).")
    Path kernel;

    @Option(names = "--initrd", paramLabel = "FILE", description = "Initramfs (default: <data-dir>/os/initrd.img).")
    Path initrd;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "300", description = "How long to wait for SSH (default: ${DEFAULT-VALUE}).")
    long timeout;

    @Option(names = "--wait-daemon", description = "Also wait until the daemon's control socket is up.")
    boolean waitDaemon;

    @Override
    public Integer call() {
        Path os = dataDir().resolve("os");
        Vm.UpResult r = VmCommand.vm(this).up(new Vm.UpOptions(
                kernel != null ? kernel : os.resolve("vmlinuz"), initrd != null ? initrd : os.resolve("initrd.img"),
                mib(memory, "--memory"), cpus, disk, mib(diskSize, "--disk-size"), hostname, sshKey, peers, accel,
                bridge, bridgeAddress, !noNat, Duration.ofSeconds(timeout), waitDaemon), line -> {
            err().println("container: " + line);
            err().flush();
        });
        if (json()) {
            out().printf("{\"ip\":\"%s\",\"hostname\":\"%s\",\"accel\":\"%s\",\"leaseMillis\":%d,\"sshMillis\":%d,\"daemonMillis\":%d}%n",
                    r.ip(), r.hostname(), r.accel(), r.leaseMillis(), r.sshMillis(), r.daemonMillis());
        } else {
            out().println(r.ip());
        }
        return ExitCode.OK;
    }

    static long mib(String size, String option) {
        String s = size.strip().toUpperCase();
        try {
            if (s.endsWith("G")) return Long.parseLong(s.substring(0, s.length() - 1)) * 1024;
            if (s.endsWith("M")) return Long.parseLong(s.substring(0, s.length() - 1));
            return Long.parseLong(s);
        } catch (NumberFormatException e) {
            throw new UserException(option + " " + size + " is not a size: give one like 1024M or 2G");
        }
    }
}
