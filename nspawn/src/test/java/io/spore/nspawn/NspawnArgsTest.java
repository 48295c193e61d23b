package io.spore.nspawn;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NspawnArgsTest {
    @Test
    void bootOnABridgeJoinsThePreparedNamespace() {
        List<String> a = NspawnArgs.boot("web-1", Path.of("/d/machines/web-1/root"), Path.of("/run/netns/spore-0a0b0c0d"), List.of("/tmp:/mnt"));
        assertEquals(List.of("systemd-nspawn", "--register=no", "--keep-unit", "--directory=/d/machines/web-1/root",
                "--machine=web-1", "--boot", "--console=read-only", "--resolv-conf=off", "--link-journal=no",
                "--network-namespace-path=/run/netns/spore-0a0b0c0d", "--bind=/tmp:/mnt"), a);
    }

    @Test
    void bootOnTheHostNetworkHasNoNetworkFlag() {
        List<String> a = NspawnArgs.boot("h", Path.of("/r"), null, List.of());
        assertTrue(a.stream().noneMatch(s -> s.startsWith("--network") || s.startsWith("--private-network")), a.toString());
    }

    @Test
    void runPassesTheCommandAfterDoubleDashUntouched() {
        List<String> a = NspawnArgs.run("run-1", Path.of("/r"), List.of(), List.of("sh", "-c", "echo $HOME; rm -rf /"));
        assertEquals(List.of("sh", "-c", "echo $HOME; rm -rf /"), a.subList(a.indexOf("--") + 1, a.size()));
        assertTrue(!a.contains("--boot"));
        assertTrue(a.contains("--machine=run-1"));
    }

    @Test
    void runWithoutACommandIsRefused() {
        var e = assertThrows(NspawnException.class, () -> NspawnArgs.run("r", Path.of("/r"), List.of(), List.of()));
        assertTrue(e.getMessage().startsWith("no command given"), e.getMessage());
    }

    @Test
    void badBindsAreRefused() {
        for (String b : List.of("relative:/x", "/tmp:relative", "/a:/b:/c", "", "/no/such/dir/here:/x")) {
            assertThrows(NspawnException.class, () -> NspawnArgs.checkBind(b), b);
        }
        assertEquals("/tmp", NspawnArgs.checkBind("/tmp"));
    }

    @Test
    void cgroupWrapperJoinsThenExecsTheSameArguments() {
        List<String> w = Cgroup.wrap(Path.of("/sys/fs/cgroup/spore/m-1"), List.of("systemd-nspawn", "--boot"));
        assertEquals(List.of("sh", "-c", "echo $$ > \"$0/cgroup.procs\" && exec \"$@\"", "/sys/fs/cgroup/spore/m-1",
                "systemd-nspawn", "--boot"), w);
    }
}
