package io.spore.fuse;

import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

class MountTableTest {
    @Test
    void parsesMountinfoWithEscapesAndOptionalFields() {
        var t = MountTable.parse(List.of(
                "36 35 98:0 /mnt1 /mnt/parent rw,noatime master:1 - ext3 /dev/root rw,errors=continue",
                "50 30 0:45 / /var/lib/spore/m\\040x rw,nosuid,nodev,relatime shared:7 - fuse.spore spore:bafy rw,user_id=0",
                "garbage"));
        assertEquals(2, t.size());
        assertEquals(Path.of("/mnt/parent"), t.get(0).mountPoint());
        assertEquals(Path.of("/var/lib/spore/m x"), t.get(1).mountPoint());
        assertTrue(t.get(1).isSpore() && t.get(1).isFuse());
        assertEquals("spore:bafy", t.get(1).source());
        assertFalse(t.get(0).isFuse());
    }

    @Test
    void histogramQuantilesAreWithinABucket() {
        Histogram h = new Histogram();
        for (int i = 1; i <= 1000; i++) h.record(i * 10L);
        long p50 = h.quantile(0.5), p99 = h.quantile(0.99);
        assertTrue(Math.abs(p50 - 5000) <= 5000 / 8, "p50 " + p50);
        assertTrue(Math.abs(p99 - 9900) <= 9900 / 8, "p99 " + p99);
        assertEquals(0, new Histogram().quantile(0.5));
    }
}
