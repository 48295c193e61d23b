package io.spore.hostos;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class LeasesTest {
    static String sample(String name) throws IOException {
        try (InputStream in = LeasesTest.class.getResourceAsStream(name)) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    @Test
    void dnsmasqFileParsesIpv4LeasesAndSkipsV6AndGarbage() throws IOException {
        List<Lease> l = Leases.parseDnsmasq(sample("dnsmasq.leases"));
        assertEquals(4, l.size());
        assertEquals(new Lease("spore-abc123", "10.77.0.23", "52:54:00:12:34:56", 1763790000L), l.get(0));
        assertNull(l.get(1).hostname(), "'*' means the client sent no name");
        assertTrue(l.stream().noneMatch(x -> x.ip().contains(":")));
    }

    @Test
    void macosFileParsesBlocksAndRestoresLeadingZeros() throws IOException {
        List<Lease> l = Leases.parseMacos(sample("dhcpd_leases"));
        assertEquals(3, l.size(), "the block without ip_address is skipped");
        assertEquals(new Lease("spore-abc123", "192.168.64.3", "52:54:00:12:34:56", 0x6920a0b0L), l.get(0));
        assertEquals("0a:0b:0c:0d:0e:0f", l.get(1).mac());
    }

    @Test
    void formatIsDetected() throws IOException {
        assertEquals(3, Leases.parse(sample("dhcpd_leases")).size());
        assertEquals(4, Leases.parse(sample("dnsmasq.leases")).size());
        assertTrue(Leases.parse("").isEmpty());
    }

    @Test
    void findPrefersTheMacThenTheNewestLeaseOfTheName() throws IOException {
        List<Lease> d = Leases.parseDnsmasq(sample("dnsmasq.leases"));
        // Two leases carry the name; the MAC picks the VM's own, whichever is newer.
        assertEquals("10.77.0.23", Leases.find(d, "spore-abc123", "52:54:00:12:34:56").orElseThrow().ip());
        assertEquals("10.77.0.26", Leases.find(d, "spore-abc123", null).orElseThrow().ip());
        assertEquals("10.77.0.26", Leases.find(d, "SPORE-ABC123", null).orElseThrow().ip());
        assertTrue(Leases.find(d, "nobody", null).isEmpty());
        assertTrue(Leases.find(d, "spore-abc123", "52:54:00:00:00:01").isEmpty());

        List<Lease> m = Leases.parseMacos(sample("dhcpd_leases"));
        assertEquals("192.168.64.3", Leases.find(m, "spore-abc123", null).orElseThrow().ip(), "newest of two, not the last");
        assertEquals("192.168.64.7", Leases.find(m, null, "52:54:0:99:0:1").orElseThrow().ip());
    }

    @Test
    void macsAndAddressesAreValidated() {
        assertEquals("52:54:00:0a:0b:0c", Leases.normalizeMac("52-54-0-A-b-c"));
        assertNull(Leases.normalizeMac("52:54:00:0a:0b"));
        assertNull(Leases.normalizeMac("52:54:00:0a:0b:123"));
        assertNull(Leases.normalizeMac("52:54:00:0a::0c"));
        assertTrue(Leases.isIpv4("10.0.0.255"));
        assertFalse(Leases.isIpv4("10.0.0.256"));
        assertFalse(Leases.isIpv4("10.0.0"));
        assertFalse(Leases.isIpv4("10.0.0.1.2"));
    }
}
