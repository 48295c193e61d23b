package io.spore.tests.net;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code container boot}, {@code ssh} and {@code rm} against a daemon in a node's namespace, run in
 * that namespace (nsenter keeps the mount namespace, so the daemon's FUSE mount is visible to
 * systemd-nspawn). Every machine booted here is removed when the testbed closes, also on failure.
 */
public final class Boots {
    /** The Debian bookworm image with systemd and openssh-server that tests/setup/20-rootfs.sh caches. */
    public static final Path SSH_ROOTFS = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "rootfs", "ssh");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Testbed bed;
    private final Path key;

    public Boots(Testbed bed) throws IOException {
        this.bed = bed;
        key = bed.dir().resolve("id_ed25519");
        run(List.of("ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", key.toString()), 60);
    }

    /** The OpenSSH public key that goes into every machine booted here. */
    public String publicKey() throws IOException { return Files.readString(key.resolveSibling("id_ed25519.pub")).strip(); }

    /**
     * Boots {@code image} on {@code d} as {@code name} and returns boot's JSON line, once sshd
     * answers. The machine's bridge and the 10.88.0.0/24 pool are private to the testbed.
     */
    public JsonNode boot(SporeDaemon d, String image, String name, boolean prefetch) throws IOException {
        List<String> args = new ArrayList<>(List.of("--json", "boot", image, "--name", name, "--bridge", "spb" + d.node.index + bed.suffix(),
                "--pool", "10.88.0.0/24", "--ssh-key", publicKey()));
        if (!prefetch) args.add("--no-prefetch");
        bed.onClose(() -> quietly(d, "rm", name));
        String out = container(d, args, 600);
        int at = out.indexOf('{');
        if (at < 0) throw new IOException("container boot printed no JSON: " + out);
        return JSON.readTree(out.substring(at));
    }

    /** {@code container ssh NAME -- CMD}; returns its output. */
    public String ssh(SporeDaemon d, String name, String... cmd) throws IOException {
        List<String> args = new ArrayList<>(List.of("ssh", "-i", key.toString(), name, "--"));
        args.addAll(List.of(cmd));
        return container(d, args, 120);
    }

    /** A machine command on {@code d} ({@code rm NAME}, {@code stop NAME}...); failures are ignored (clean-up). */
    public void quietly(SporeDaemon d, String... args) {
        try {
            container(d, List.of(args), 120);
        } catch (IOException e) {
            // already gone
        }
    }

    /** {@code ./container --socket S --data-dir D ARGS} in {@code d}'s namespace; its stdout, or its last stderr line thrown. */
    public static String container(SporeDaemon d, List<String> args, int seconds) throws IOException {
        List<String> all = new ArrayList<>(List.of(Testbed.container().toString(), "--socket", d.socket.toString(),
                "--data-dir", d.dataDir.toString()));
        all.addAll(args);
        return run(d.node.exec(all), seconds);
    }

    /** Runs {@code cmd} with no stdin; returns its stdout, or throws with the last line of its stderr. */
    public static String run(List<String> cmd, int seconds) throws IOException {
        Path out = Files.createTempFile("spore-boot", ".out"), err = Files.createTempFile("spore-boot", ".err");
        try {
            Process p = new ProcessBuilder(cmd).redirectError(err.toFile()).redirectOutput(out.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null"))).start();
            if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException(String.join(" ", cmd) + " did not finish in " + seconds + " s");
            }
            if (p.exitValue() != 0) {
                String e = Files.readString(err, StandardCharsets.UTF_8);
                throw new IOException(e.strip().lines().reduce((a, b) -> b).orElse("exit " + p.exitValue()));
            }
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
