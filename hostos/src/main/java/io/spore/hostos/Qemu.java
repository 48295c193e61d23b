package io.spore.hostos;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** The qemu command line for Spore OS, and whether KVM really works here. */
final class Qemu {
    static final String BINARY = "qemu-system-x86_64";

    private Qemu() {}

    /**
     * KVM can be present and still hang (nested KVM on these machines does), so /dev/kvm is not
     * enough: boot a 64 KiB firmware whose reset vector writes to the isa-debug-exit port, and trust
     * KVM only if qemu exits with that code within the timeout. The CPU model is the one the VM
     * gets ({@code host}): with it, qemu on these machines fails setting MSRs even when this
     * firmware runs, so {@link Vm} also falls back to TCG when a KVM start fails.
     */
    static boolean kvmWorks(Path scratch, long timeoutMillis) {
        if (!Files.isReadable(Path.of("/dev/kvm")) || !Files.isWritable(Path.of("/dev/kvm"))) return false;
        Path bios = scratch.resolve("kvm-probe.bin");
        Process p = null;
        try {
            Files.createDirectories(scratch);
            byte[] rom = new byte[65536];
            Arrays.fill(rom, (byte) 0xf4); // hlt
            // at 0xffff0: mov al,1; out 0xf4,al; hlt  -> qemu exits with (1 << 1) | 1 = 3
            byte[] reset = {(byte) 0xb0, 0x01, (byte) 0xe6, (byte) 0xf4, (byte) 0xf4};
            System.arraycopy(reset, 0, rom, 0xfff0, reset.length);
            Files.write(bios, rom);
            p = new ProcessBuilder(BINARY, "-accel", "kvm", "-cpu", "host", "-nodefaults", "-no-user-config", "-display", "none",
                    "-m", "16", "-bios", bios.toString(), "-device", "isa-debug-exit,iobase=0xf4,iosize=0x04")
                    .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            return p.waitFor(timeoutMillis, TimeUnit.MILLISECONDS) && p.exitValue() == 3;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        } finally {
            if (p != null && p.isAlive()) p.destroyForcibly();
            try {
                Files.deleteIfExists(bios);
            } catch (IOException ignored) {
                // a stale probe file is harmless
            }
        }
    }

    record Spec(Path kernel, Path initrd, String cmdline, boolean kvm, int cpus, long memoryMiB, String tap,
                String mac, Path disk, Path console, Path pidFile, Path monitor) {}

    static List<String> command(Spec s) {
        List<String> c = new ArrayList<>(List.of(BINARY, "-name", "spore-os", "-machine", "pc",
                "-nodefaults", "-no-user-config", "-display", "none", "-daemonize",
                "-pidfile", s.pidFile().toString(),
                "-monitor", "unix:" + s.monitor() + ",server,nowait",
                "-serial", "file:" + s.console(),
                "-m", Long.toString(s.memoryMiB()), "-smp", Integer.toString(s.cpus()),
                "-kernel", s.kernel().toString(), "-initrd", s.initrd().toString(), "-append", s.cmdline(),
                "-netdev", "tap,id=n0,ifname=" + s.tap() + ",script=no,downscript=no",
                "-device", "virtio-net-pci,netdev=n0,mac=" + s.mac(),
                "-device", "virtio-rng-pci"));
        c.addAll(s.kvm() ? List.of("-accel", "kvm", "-cpu", "host") : List.of("-accel", "tcg", "-cpu", "max"));
        if (s.disk() != null) {
            c.addAll(List.of("-drive", "file=" + s.disk() + ",if=virtio,format=raw,cache=writeback"));
        }
        return c;
    }
}
