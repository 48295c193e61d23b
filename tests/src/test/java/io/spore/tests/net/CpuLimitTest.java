package io.spore.tests.net;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * {@link Node#limitCpu}, on which the swarm benchmark's equal-share column rests: a busy process
 * started in a limited node gets no more than its share, the limit follows processes moved in, and
 * the group is gone once the node is unlimited or the testbed closes.
 */
class CpuLimitTest {
    private Testbed bed;
    private final List<Process> started = new java.util.ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        Assumptions.assumeTrue(Testbed.available(), "needs root, ip and /dev/net/tun");
        bed = Testbed.create();
    }

    @AfterEach
    void tearDown() throws Exception {
        for (Process p : started) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
        if (bed != null) bed.close();
    }

    /** A busy loop started through the node, once it runs inside the node's group. */
    private Process spin(Node n) throws Exception {
        Process p = new ProcessBuilder(n.exec(List.of("sh", "-c", "while :; do :; done"))).start();
        started.add(p);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!inGroup(p.pid(), n.cpuGroup())) {
            if (System.nanoTime() > deadline) fail("the process never joined the node's group: " + cgroups(p.pid()));
            Thread.sleep(20);
        }
        return p;
    }

    private static double cpuSeconds(Process p) {
        return p.info().totalCpuDuration().orElseThrow(() -> new AssertionError("no CPU time for pid " + p.pid())).toNanos() / 1e9;
    }

    private static boolean inGroup(long pid, Path group) throws IOException {
        return cgroups(pid).contains("/" + group.getFileName() + "\n");
    }

    private static String cgroups(long pid) throws IOException {
        return Files.readString(Path.of("/proc/" + pid + "/cgroup"));
    }

    @Test
    void aBusyProcessInALimitedNodeGetsItsShareAndTheGroupIsRemovedAfter() throws Exception {
        Node n = bed.node(new Testbed.Link.Plain());
        n.limitCpu(0.1);
        Process busy = spin(n);
        double before = cpuSeconds(busy);
        Thread.sleep(2000);
        double used = cpuSeconds(busy) - before;
        // 0.1 cores over 2 s is 0.2 CPU s; unlimited, a busy loop takes most of a core even on a loaded box
        assertTrue(used <= 0.45, "a process held to 0.1 cores used " + used + " CPU s in 2 s");
        assertTrue(used > 0, "the busy loop never ran");

        Path group = n.cpuGroup();
        n.unlimitCpu();
        assertFalse(inGroup(busy.pid(), group), "unlimitCpu left the process in the group: " + cgroups(busy.pid()));
        assertFalse(Files.exists(group), "unlimitCpu did not remove " + group);
    }

    @Test
    void closingTheTestbedRemovesTheGroupsOfItsNodes() throws Exception {
        Node n = bed.node(new Testbed.Link.Plain());
        n.limitCpu(0.5);
        Process p = spin(n);
        Path group = n.cpuGroup();
        p.destroyForcibly();
        p.waitFor(10, TimeUnit.SECONDS);
        bed.close();
        bed = null;
        assertFalse(Files.exists(group), "the testbed left " + group);
    }
}
