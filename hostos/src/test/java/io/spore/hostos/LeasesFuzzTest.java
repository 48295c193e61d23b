package io.spore.hostos;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertTrue;

/** Any bytes as a leases file: no exception, bounded output, only well-formed leases. */
class LeasesFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) {
        String text = new String(data, StandardCharsets.ISO_8859_1);
        for (List<Lease> leases : List.of(Leases.parseDnsmasq(text), Leases.parseMacos(text), Leases.parse(text))) {
            assertTrue(leases.size() <= Leases.MAX_LEASES);
            for (Lease l : leases) {
                assertTrue(Leases.isIpv4(l.ip()));
                assertTrue(l.mac() == null || l.mac().matches("([0-9a-f]{2}:){5}[0-9a-f]{2}"));
                assertTrue(l.expiry() >= 0);
            }
            Leases.find(leases, "x", null);
        }
    }
}
