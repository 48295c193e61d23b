package io.spore.nspawn;

import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NetTest {
    @Test
    void machineEndIsAddressedInsideItsNamespace() {
        FakeRunner r = new FakeRunner();
        // nothing exists yet: "ip link show" fails
        r.rule = argv -> argv.containsAll(List.of("link", "show")) ? new ProcessRunner.Result(1, "", "does not exist") : new ProcessRunner.Result(0, "", "");
        new Net(r).addMachine("0a0b0c0d", "spore0", "10.77.0.5", AddressPool.parse("10.77.0.0/24"));
        List<String> j = r.joined();
        assertTrue(j.contains("ip netns add spore-0a0b0c0d"), j.toString());
        assertTrue(j.contains("ip link add name sp0a0b0c0d type veth peer name host0 netns spore-0a0b0c0d"), j.toString());
        assertTrue(j.contains("ip link set dev sp0a0b0c0d master spore0"), j.toString());
        assertTrue(j.contains("ip -n spore-0a0b0c0d addr add 10.77.0.5/24 dev host0"), j.toString());
        assertTrue(j.contains("ip -n spore-0a0b0c0d route add default via 10.77.0.1"), j.toString());
    }

    @Test
    void aFailedStepRemovesWhatWasMade() {
        FakeRunner r = new FakeRunner();
        r.rule = argv -> argv.contains("route") ? new ProcessRunner.Result(2, "", "RTNETLINK answers: Network is unreachable")
                : argv.containsAll(List.of("link", "show")) ? new ProcessRunner.Result(0, "", "") : new ProcessRunner.Result(0, "", "");
        var e = assertThrows(NspawnException.class, () -> new Net(r).addMachine("01020304", "spore0", "10.77.0.5", AddressPool.parse("10.77.0.0/24")));
        assertTrue(e.getMessage().endsWith("RTNETLINK answers: Network is unreachable"), e.getMessage());
        assertTrue(r.joined().getLast().equals("ip link del dev sp01020304"), r.joined().toString());
    }

    @Test
    void natTableIsOursAndNamedAfterTheBridge() {
        FakeRunner r = new FakeRunner();
        r.rule = argv -> argv.contains("list") ? new ProcessRunner.Result(1, "", "No such file") : new ProcessRunner.Result(0, "", "");
        try {
            new Net(r).ensureNat("spt-1.a", AddressPool.parse("10.9.8.0/24"));
        } catch (NspawnException e) {
            // not root: ip_forward cannot be written; the nft part is what this test is about
            return;
        }
        int i = r.joined().indexOf("nft -f -");
        String script = r.stdins.get(i);
        assertTrue(script.contains("table ip spore_spt_1_a {"), script);
        assertTrue(script.contains("ip saddr 10.9.8.0/24 oifname != \"spt-1.a\" masquerade"), script);
    }

    @Test
    void aPoolOverlappingAHostRouteIsFound() {
        String routes = """
                default via 172.17.0.1 dev eth0
                10.77.0.0/16 dev eth1 proto kernel scope link src 10.77.3.4
                10.99.0.0/24 dev spore0 proto kernel scope link src 10.99.0.1
                192.0.2.7 dev tun0 scope link
                """;
        assertEquals("10.77.0.0/16 dev eth1 proto kernel scope link src 10.77.3.4",
                Net.overlappingRoute(routes, AddressPool.parse("10.77.5.0/24"), "spore0"));
        assertEquals(null, Net.overlappingRoute(routes, AddressPool.parse("10.99.0.0/24"), "spore0"), "our own bridge's route is fine");
        assertEquals("192.0.2.7 dev tun0 scope link", Net.overlappingRoute(routes, AddressPool.parse("192.0.2.0/28"), "spore0"));
        assertEquals(null, Net.overlappingRoute(routes, AddressPool.parse("10.78.0.0/24"), "spore0"));
    }

    @Test
    void bridgeNamesAreChecked() {
        assertThrows(NspawnException.class, () -> Net.checkBridgeName("a-name-far-too-long"));
        assertThrows(NspawnException.class, () -> Net.checkBridgeName("br;rm"));
        assertEquals("spore0", Net.checkBridgeName("spore0"));
    }

    @Test
    void resolvConfDropsLoopbackNameservers() {
        String r = Net.resolvConf("# comment\nnameserver 127.0.0.53\nnameserver ::1\nnameserver 192.0.2.53\nsearch example.org\noptions edns0\n");
        assertTrue(r.contains("nameserver 192.0.2.53\n"), r);
        assertFalse(r.contains("127.0.0.53") || r.contains("::1"), r);
        assertTrue(r.contains("search example.org") && r.contains("options edns0"), r);
        assertTrue(Net.resolvConf("nameserver 127.0.0.53\n").contains("only loopback nameservers"));
    }
}
