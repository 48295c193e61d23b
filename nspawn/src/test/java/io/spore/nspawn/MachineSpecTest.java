package io.spore.nspawn;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class MachineSpecTest {
    @Test
    void sizes() {
        assertEquals(512L << 20, MachineSpec.parseSize("512M"));
        assertEquals(2L << 30, MachineSpec.parseSize("2g"));
        assertEquals(1024, MachineSpec.parseSize("1024"));
        assertEquals(3L << 10, MachineSpec.parseSize("3KB"));
        for (String s : new String[]{"", "M", "-1G", "1.5G", "lots", "0"}) {
            var e = assertThrows(NspawnException.class, () -> MachineSpec.parseSize(s), s);
            assertEquals("'" + s + "' is not a size: give one such as 512M or 2G", e.getMessage());
        }
    }

    @Test
    void names() {
        Machines.checkName("web-1");
        for (String n : new String[]{"", "-x", "Web", "a b", "a/b", "x".repeat(64), "../etc"}) {
            assertThrows(NspawnException.class, () -> Machines.checkName(n), n);
        }
    }
}
