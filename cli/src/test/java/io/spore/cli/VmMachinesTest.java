package io.spore.cli;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;

/** The laptop side of machines in the Spore OS VM (the VM itself: SporeOsVmTest in tests). */
class VmMachinesTest {
    @TempDir
    Path dir;

    @Test
    void bootInTheVmWithoutAVmSaysHowToStartOne() {
        Cli.assertOneLineError(Cli.run(dir, "boot", "bafyreih2444udh5zx5uhsbajmr7phylfvb35uuux6eax4fzz44yt4ladeu", "--vm"),
                "no VM is running: start one with 'container vm up'");
    }

    @Test
    void theVmGetsTheBootArgumentsButNotThisMachinesDataDirOrSocket() {
        CommandLine cl = Main.commandLine();
        CommandLine.ParseResult r = cl.parseArgs("--data-dir", "/here", "boot", "KEY", "--vm", "--name", "web 1",
                "--socket", "/here.sock", "--data-dir=/x", "--no-prefetch");
        assertEquals(List.of("boot", "KEY", "--name", "web 1", "--no-prefetch"),
                VmMachines.argsAfter(r.subcommand().commandSpec(), "boot", "--vm"));
    }

    @Test
    void quotedArgumentsReachTheRemoteShellWhole() throws Exception {
        for (String s : List.of("plain", "two words", "it's", "$HOME", "a;b|c", "--name=x", "*")) {
            Process p = new ProcessBuilder("sh", "-c", "printf %s " + VmMachines.quote(s)).start();
            assertEquals(s, new String(p.getInputStream().readAllBytes()), "through sh: " + s);
            p.waitFor();
        }
    }
}
