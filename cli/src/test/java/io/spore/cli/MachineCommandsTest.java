package io.spore.cli;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.ThreadLocalRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

/** The machine commands as a user types them: output, exit codes, one-line errors; one real boot. */
class MachineCommandsTest {
    Path dataDir;
    String out;
    String err;

    @BeforeEach
    void setUp() throws IOException {
        dataDir = Files.createTempDirectory("spore-cli-machines-");
    }

    @AfterEach
    void tearDown() throws Exception {
        new ProcessBuilder("rm", "-rf", "--one-file-system", dataDir.toString()).start().waitFor();
    }

    int run(String... args) {
        StringWriter o = new StringWriter();
        StringWriter e = new StringWriter();
        CommandLine cl = Main.commandLine();
        cl.setOut(new PrintWriter(o, true));
        cl.setErr(new PrintWriter(e, true));
        int code = cl.execute(args);
        out = o.toString();
        err = e.toString();
        return code;
    }

    static void requireRoot() {
        boolean ok = "root".equals(System.getProperty("user.name"));
        if (!ok && "true".equals(System.getenv("CI"))) fail("needs root (CI=true: a broken setup must not pass)");
        Assumptions.assumeTrue(ok, "needs root");
    }

    @Test
    void bootHelpOffersAKeyOrALowerDir() {
        assertEquals(0, run("boot", "--help"));
        assertTrue(out.contains("[KEY]") && out.contains("--lower=DIR") && out.contains("--no-prefetch"), out);
    }

    @Test
    void bootOrRunOfAKeyWithoutADaemonSaysToStartOne() {
        requireRoot();
        String sock = dataDir.resolve("none.sock").toString();
        String key = "bafyreigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi";
        assertEquals(1, run("--data-dir", dataDir.toString(), "--socket", sock, "boot", key));
        assertEquals("container: error: no daemon is running on " + sock
                + ": start one with 'container daemon' (or systemctl start spore), or give --socket\n", err);
        assertEquals(1, run("--data-dir", dataDir.toString(), "--socket", sock, "run", key, "--", "true"));
        assertTrue(err.startsWith("container: error: no daemon is running on " + sock), err);
        assertTrue(machineDirs().isEmpty(), "a failed boot left a machine behind");
    }

    private java.util.List<Path> machineDirs() {
        try (var s = Files.list(dataDir.resolve("machines"))) {
            return s.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            return java.util.List.of();
        }
    }

    @Test
    void bootWithoutAnImageOrWithTwoIsAUsageError() {
        assertEquals(2, run("boot"));
        assertTrue(err.contains("KEY") && err.contains("--lower DIR"), err);
        assertEquals(2, run("boot", "bafyreigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", "--lower", "/"));
        assertTrue(err.contains("not both"), err);
    }

    @Test
    void unknownMachineAndNoInitAreOneLineErrors() throws IOException {
        requireRoot();
        assertEquals(0, run("--data-dir", dataDir.toString(), "ls"));
        assertEquals("NAME", out.strip().split("\\s+")[0]);
        assertEquals(1, run("--data-dir", dataDir.toString(), "stop", "nosuch"));
        assertEquals("container: error: no machine named nosuch: see 'container ls' for the machines there are\n", err);
        Path empty = Files.createDirectories(dataDir.resolve("empty-root"));
        assertEquals(1, run("--data-dir", dataDir.toString(), "boot", "--lower", empty.toString(), "--name", "x"));
        assertEquals("container: error: " + empty + " has no init (/sbin/init or /lib/systemd/systemd): boot needs a bootable image;"
                + " use 'container run' to run one command in it\n", err);
    }

    @Test
    void bootLsLogsStopStartRmThroughTheCli() throws IOException {
        requireRoot();
        Path rootfs = Path.of(System.getenv().getOrDefault("SPORE_TEST_CACHE", "/var/cache/spore-tests"), "rootfs/ssh");
        boolean ok = Files.isDirectory(rootfs.resolve("etc"));
        if (!ok && "true".equals(System.getenv("CI"))) fail("needs " + rootfs + ": run tests/setup/20-rootfs.sh");
        Assumptions.assumeTrue(ok, "needs " + rootfs);
        String sfx = String.format("%06x", ThreadLocalRandom.current().nextInt(1 << 24));
        String bridge = "spc" + sfx;
        var r = ThreadLocalRandom.current();
        String pool = "10." + (200 + r.nextInt(50)) + "." + r.nextInt(256) + ".0/24";
        String name = "cli-" + sfx;
        String dd = dataDir.toString();
        try {
            assertEquals(0, run("--data-dir", dd, "boot", "--lower", rootfs.toString(), "--name", name, "--bridge", bridge,
                    "--pool", pool, "--ssh-key", "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPq6f7ZJrX9rQbGvBq8hZ2y8v8r0kq3l1mN5sQ0fT1aB test"), err);
            assertTrue(out.startsWith(name + " is up at 10."), out);
            assertEquals(0, run("--data-dir", dd, "--json", "ls"));
            assertTrue(out.contains("\"name\" : \"" + name + "\"") && out.contains("\"state\" : \"running\""), out);
            assertEquals(0, run("--data-dir", dd, "logs", name));
            assertTrue(out.contains("Reached target"), out);
            assertEquals(1, run("--data-dir", dd, "boot", "--lower", rootfs.toString(), "--name", name, "--bridge", bridge, "--pool", pool));
            assertTrue(err.contains("exists already"), err);
            assertEquals(0, run("--data-dir", dd, "stop", name));
            assertEquals(name + " stopped\n", out);
            assertEquals(0, run("--data-dir", dd, "ls"));
            assertTrue(out.contains(" stopped "), out);
            assertEquals(0, run("--data-dir", dd, "start", name));
            assertTrue(out.startsWith(name + " is up at "), out);
        } finally {
            run("--data-dir", dd, "rm", name);
            assertEquals(name + " removed\n", out, err);
            new ProcessBuilder("ip", "link", "del", "dev", bridge).start();
        }
    }
}
