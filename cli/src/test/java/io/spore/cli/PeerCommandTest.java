package io.spore.cli;

import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.*;

class PeerCommandTest {

    @Test void peerIdCreatesTheIdentityOnceAndPrintsBothForms(@TempDir Path dir) throws Exception {
        Path data = dir.resolve("data");
        Cli.Result r = Cli.run("--data-dir", data.toString(), "peer", "id", "--config", dir.resolve("none.yaml").toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(Files.exists(data.resolve("identity.key")));
        String id = r.out().lines().filter(l -> l.startsWith("peer id: ")).findFirst().orElseThrow().substring(9);
        String cid = r.out().lines().filter(l -> l.startsWith("cid: ")).findFirst().orElseThrow().substring(5).strip();
        assertTrue(id.startsWith("12D3KooW"), id);
        assertTrue(cid.startsWith("bafz"), cid);
        assertEquals(PeerId.parse(id), PeerId.parse(cid));
        assertEquals(r.out(), Cli.run("--data-dir", data.toString(), "peer", "id", "--config", dir.resolve("none.yaml").toString()).out());
    }

    @Test void peerIdShowsListenAddressesFromTheConfigAsJson(@TempDir Path dir) throws Exception {
        Path cfg = dir.resolve("config.yaml");
        Files.writeString(cfg, "listen:\n  - /ip4/0.0.0.0/tcp/4001\n");
        Cli.Result r = Cli.run("--data-dir", dir.toString(), "--json", "peer", "id", "--config", cfg.toString());
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("\"listen\":[\"/ip4/0.0.0.0/tcp/4001/p2p/12D3KooW"), r.out());
    }

    @Test void pingPrintsRoundTripTimes() {
        try (Host target = Hosts.start(HostConfig.defaults(KeyPair.generate()))) {
            String addr = target.listenAddresses().getFirst().withPeerId(target.peerId()).toString();
            Cli.Result r = Cli.run("peer", "ping", addr, "--count", "2");
            assertEquals(0, r.code(), r.err());
            assertTrue(r.out().contains("PING " + target.peerId()), r.out());
            assertEquals(2, r.out().lines().filter(l -> l.matches("seq=\\d time=[0-9.]+ ms")).count(), r.out());
            assertTrue(r.out().contains("2 pings: min/avg/max"), r.out());
        }
    }

    @Test void pingErrorsAreOneLineWithAFix() throws Exception {
        Cli.Result bad = Cli.run("peer", "ping", "ip4/1.2.3.4");
        assertEquals(1, bad.code());
        assertEquals(1, bad.err().lines().count(), bad.err());
        assertTrue(bad.err().startsWith("container: error: not a multiaddr"), bad.err());
        int port;
        try (var s = new java.net.ServerSocket(0)) {
            port = s.getLocalPort();
        }
        Cli.Result down = Cli.run("peer", "ping", "/ip4/127.0.0.1/tcp/" + port, "--timeout", "3");
        assertEquals(1, down.code());
        assertEquals(1, down.err().lines().count(), down.err());
        assertTrue(down.err().contains("dialing /ip4/127.0.0.1/tcp/" + port + " failed"), down.err());
    }
}
