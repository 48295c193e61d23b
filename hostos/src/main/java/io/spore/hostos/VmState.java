package io.spore.hostos;

import java.io.IOException;
import java.io.Reader;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Optional;
import java.util.Properties;

/**
 * What {@code container vm up} leaves for the other {@code vm} commands, in
 * {@code <data-dir>/vm/}: {@code vm.properties} (pids, names, address), the SSH key, the
 * leases file, the serial console log.
 */
final class VmState {
    final Path dir;
    private final Properties p = new Properties();

    VmState(Path dir) {
        this.dir = dir;
        Path f = dir.resolve("vm.properties");
        if (Files.isRegularFile(f)) {
            try (Reader r = Files.newBufferedReader(f)) {
                p.load(r);
            } catch (IOException e) {
                throw new HostOsException("cannot read " + f + " (" + e.getMessage() + "): remove it if the VM is gone");
            }
        }
    }

    Path file(String name) { return dir.resolve(name); }

    Optional<String> get(String key) { return Optional.ofNullable(p.getProperty(key)); }

    long pid(String key) { return get(key).map(Long::parseLong).orElse(-1L); }

    VmState set(String key, Object value) {
        if (value == null) p.remove(key); else p.setProperty(key, String.valueOf(value));
        return this;
    }

    void save() {
        try {
            Files.createDirectories(dir);
            Path tmp = dir.resolve("vm.properties.tmp");
            try (Writer w = Files.newBufferedWriter(tmp)) {
                p.store(w, "container vm");
            }
            Files.move(tmp, dir.resolve("vm.properties"), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new HostOsException("cannot write the VM state in " + dir + " (" + e.getMessage() + "): check --data-dir");
        }
    }

    void clear() {
        p.clear();
        try {
            Files.deleteIfExists(dir.resolve("vm.properties"));
        } catch (IOException e) {
            throw new HostOsException("cannot remove " + dir.resolve("vm.properties") + ": " + e.getMessage());
        }
    }

    /** The process with that pid if it is alive and runs the program named (so a reused pid is never killed). */
    static Optional<ProcessHandle> alive(long pid, String program) {
        if (pid <= 0) return Optional.empty();
        return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                .filter(h -> h.info().command().map(c -> c.contains(program)).orElse(true));
    }
}
