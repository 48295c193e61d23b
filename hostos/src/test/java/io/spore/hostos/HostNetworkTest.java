package io.spore.hostos;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.*;

class HostNetworkTest {
    @Test
    void subnetGivesTheDhcpRangeAroundTheGateway() {
        HostNetwork.Subnet s = HostNetwork.Subnet.parse("10.77.0.1/24");
        assertEquals("10.77.0.1", s.gatewayIp());
        assertEquals("10.77.0.0/24", s.network());
        assertEquals("10.77.0.2", s.rangeStart());
        assertEquals("10.77.0.254", s.rangeEnd());
        assertEquals("255.255.255.0", HostNetwork.Subnet.ip(s.mask()));
        HostNetwork.Subnet t = HostNetwork.Subnet.parse("192.168.100.129/25");
        assertEquals("192.168.100.128/25", t.network());
        assertEquals("192.168.100.130", t.rangeStart());
        assertEquals("192.168.100.254", t.rangeEnd());
    }

    @Test
    void badSubnetsAreRefused() {
        assertThrows(HostOsException.class, () -> HostNetwork.Subnet.parse("10.77.0.1"));
        assertThrows(HostOsException.class, () -> HostNetwork.Subnet.parse("10.77.0.300/24"));
        assertThrows(HostOsException.class, () -> HostNetwork.Subnet.parse("10.77.0.1/31"));
    }

    @Test
    void qemuGetsTheTapTheMacAndTheCommandLine() {
        var spec = new Qemu.Spec(java.nio.file.Path.of("/k"), java.nio.file.Path.of("/i"), "console=ttyS0", false, 1, 1024,
                "sporetap1234", "52:54:00:01:02:03", null, java.nio.file.Path.of("/s/console.log"),
                java.nio.file.Path.of("/s/qemu.pid"), java.nio.file.Path.of("/s/mon.sock"));
        String c = String.join(" ", Qemu.command(spec));
        assertTrue(c.contains("-accel tcg -cpu max"), c);
        assertTrue(c.contains("ifname=sporetap1234,script=no"), c);
        assertTrue(c.contains("mac=52:54:00:01:02:03"), c);
        assertTrue(c.contains("-append console=ttyS0"), c);
        assertFalse(c.contains("-drive"), c);
    }
}
