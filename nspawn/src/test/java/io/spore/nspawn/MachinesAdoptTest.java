package io.spore.nspawn;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** A restarted manager: running machines are adopted as they are, dead ones shown stopped and cleaned. */
class MachinesAdoptTest {
    @TempDir Path dataDir;

    private void write(MachineConfig c) throws IOException {
        Path d = Files.createDirectories(dataDir.resolve("machines").resolve(c.name()));
        new ObjectMapper().writeValue(d.resolve("config.json").toFile(), c);
    }

    private static MachineConfig config(String name, long pid, long ticks) {
        return new MachineConfig(name, "label-" + name, "/lower", NetworkMode.BRIDGE, "spore0", "10.77.0.0/24",
                "10.77.0.9", "0badc0de", 0, 0, List.of(), pid, ticks, System.currentTimeMillis() - 5000, 0, 0);
    }

    @Test
    void liveMachineIsAdoptedDeadOneIsStoppedAndCleaned() throws Exception {
        long me = ProcessHandle.current().pid();
        write(config("alive", me, Procs.startTicks(me)));
        Process p = new ProcessBuilder("true").start();
        p.waitFor();
        write(config("dead", p.pid(), 4242));
        // the pid is ours, but the start time is not: a reused pid is not the machine
        write(config("reused", me, Procs.startTicks(me) + 1));

        FakeRunner r = new FakeRunner();
        Machines m = new Machines(dataDir, "spore0", "10.77.0.0/24", r);
        m.reconcile();

        assertEquals(MachineState.RUNNING, m.get("alive").state());
        assertTrue(m.get("alive").uptime().toSeconds() >= 5);
        assertEquals(me, m.load("alive").pid());
        for (String n : List.of("dead", "reused")) {
            assertEquals(MachineState.STOPPED, m.get(n).state(), n);
            assertEquals(0, m.load(n).pid(), n);
            assertEquals("10.77.0.9", m.get(n).address(), "a stopped machine keeps its address");
        }
        // the dead machines' veth was looked for and removed
        assertTrue(r.joined().contains("ip link del dev sp0badc0de"), r.joined().toString());
    }

    @Test
    void listIsEmptyForANewDataDir() {
        Machines m = new Machines(dataDir, "spore0", "10.77.0.0/24", new FakeRunner());
        m.reconcile();
        assertEquals(List.of(), m.list());
    }
}
