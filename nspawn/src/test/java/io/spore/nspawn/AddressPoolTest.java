package io.spore.nspawn;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AddressPoolTest {
    @Test
    void gatewayFirstThenMachines() {
        AddressPool p = AddressPool.parse("10.77.0.0/24");
        assertEquals("10.77.0.1", p.gateway());
        assertEquals("10.77.0.2", p.allocate(Set.of()));
        assertEquals("10.77.0.4", p.allocate(Set.of("10.77.0.2", "10.77.0.3")));
        assertTrue(p.contains("10.77.0.200"));
        assertFalse(p.contains("10.78.0.2"));
    }

    @Test
    void usesEveryAddressThenSaysItIsUsedUp() {
        AddressPool p = AddressPool.parse("10.1.2.0/28");
        Set<String> used = new HashSet<>();
        for (int i = 0; i < 13; i++) used.add(p.allocate(used));
        assertEquals(13, used.size());
        assertFalse(used.contains("10.1.2.15") || used.contains("10.1.2.0") || used.contains("10.1.2.1"));
        var e = assertThrows(NspawnException.class, () -> p.allocate(used));
        assertEquals("address pool 10.1.2.0/28 is used up (13 machines): remove a machine with 'container rm' or configure a larger pool", e.getMessage());
    }

    @Test
    void badPoolsAreRefused() {
        for (String s : new String[]{"10.0.0.0", "10.0.0.0/33", "10.0.0.0/31", "300.0.0.0/24", "x/24", "10.0.0.5/24"}) {
            assertThrows(NspawnException.class, () -> AddressPool.parse(s), s);
        }
        assertTrue(assertThrows(NspawnException.class, () -> AddressPool.parse("10.0.0.5/24")).getMessage().contains("10.0.0.0/24"));
    }
}
