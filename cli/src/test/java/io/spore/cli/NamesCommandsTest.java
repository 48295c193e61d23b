package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.ipns.IpnsRecord;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/** Names across two daemons in child JVMs on loopback: create, publish, resolve and pull by name, move the name. */
class NamesCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private Daemons daemons;
    private Path base;

    @BeforeEach
    void setUp() throws Exception {
        daemons = new Daemons("spn");
        base = daemons.base();
    }

    @AfterEach
    void tearDown() {
        if (daemons != null) daemons.close();
    }

    private DaemonProcess daemon(String name, List<String> bootstrap) throws Exception {
        return daemons.start(name, bootstrap);
    }

    static Cli.Result on(DaemonProcess d, String... args) {
        // --socket only: with --data-dir, share would import without the daemon (and pin nothing)
        List<String> all = new ArrayList<>(List.of("--socket", d.socket.toString()));
        all.addAll(List.of(args));
        return Cli.run(all.toArray(String[]::new));
    }

    static String ok(DaemonProcess d, String... args) {
        Cli.Result r = on(d, args);
        assertEquals(0, r.code(), String.join(" ", args) + ": " + r.err() + "\n" + d.logText());
        return r.out().strip();
    }

    @Test
    void publishOnAResolveAndPullByNameOnBThenMoveTheName() throws Exception {
        Path v1 = DaemonProofTest.tree(base.resolve("v1"), 2);
        Path v2 = DaemonProofTest.tree(base.resolve("v2"), 3);
        DaemonProcess a = daemon("a", List.of());
        DaemonProcess b = daemon("b", List.of(a.address()));
        String key1 = ok(a, "share", v1.toString());
        String name = ok(a, "name", "create", "web");
        assertTrue(name.startsWith("k51qzi5uqu5"), name);
        long t0 = System.nanoTime();
        assertEquals(name, ok(a, "publish", "web", key1));
        long t1 = System.nanoTime();
        assertEquals(key1, ok(b, "name", "resolve", name));
        System.out.printf("names: publish (sign, store, DHT put) %.0f ms; resolve on another daemon (local + DHT) %.0f ms%n",
                (t1 - t0) / 1e6, (System.nanoTime() - t1) / 1e6);
        ok(b, "pull", name);
        assertEquals(key1, ok(b, "pin", "ls").lines().findFirst().orElse("").strip(), "the pull by name pinned the image");
        Cli.Result export = Cli.run("--data-dir", b.dataDir.toString(), "export", name, base.resolve("out1").toString());
        assertEquals(0, export.code(), export.err() + " (export resolves the name by the record B stored)");

        String key2 = ok(a, "share", v2.toString());
        ok(a, "publish", "web", key2);
        JsonNode r = JSON.readTree(ok(b, "--json", "name", "resolve", name));
        assertEquals(key2, r.path("key").asText());
        assertEquals(1, r.path("sequence").asLong(), "the second publish has the next sequence");
        JsonNode ls = JSON.readTree(ok(a, "--json", "name", "ls")).path("names").get(0);
        assertEquals("web", ls.path("label").asText());
        assertEquals(key2, ls.path("key").asText());

        // B holds no key for the name, so B cannot move it
        Cli.assertOneLineError(on(b, "publish", "web", key1), "there is no name labelled 'web'");
    }

    @Test
    void aLowerSequenceOrExpiredRecordNeverWinsAndAForgedOneIsIgnored() throws Exception {
        DaemonProcess a = daemon("a", List.of());
        Path v1 = DaemonProofTest.tree(base.resolve("v1"), 1);
        String key1 = ok(a, "share", v1.toString());
        String name = ok(a, "name", "create", "site");
        ok(a, "publish", "site", key1);
        ok(a, "publish", "site", key1);
        assertEquals(1, JSON.readTree(ok(a, "--json", "name", "resolve", name)).path("sequence").asLong());

        // a replayed sequence 0 written over the stored record loses to the DHT's copy of sequence 1... on A
        // itself the DHT holds it too, so resolution still answers 1
        Path rec = a.dataDir.resolve("names/records").resolve(name);
        byte[] best = Files.readAllBytes(rec);
        IpnsName n = IpnsName.parse(name);
        assertEquals(1, IpnsRecord.validate(n, best, Instant.now()).sequence());

        // a record signed by another key, dropped where the record belongs, is not believed
        KeyPair other = KeyPair.generate();
        Cid evil = Cid.of(Cid.DAG_CBOR, "evil".getBytes());
        Files.write(rec, IpnsRecord.create(other, evil, 99, Instant.now().plusSeconds(3600), Duration.ZERO).bytes());
        Cli.Result export = Cli.run("--data-dir", a.dataDir.toString(), "inspect", name);
        Cli.assertOneLineError(export, "no valid record of the name " + name);
        assertEquals(key1, ok(a, "name", "resolve", name), "the daemon finds the good record on its DHT and keeps it again");
        assertEquals(1, IpnsRecord.validate(n, Files.readAllBytes(rec), Instant.now()).sequence());

        // an expired record is not used by the offline commands
        KeyPair k = KeyPair.generate();
        IpnsName stale = new IpnsName(k.peerId());
        Files.write(a.dataDir.resolve("names/records").resolve(stale.toString()),
                IpnsRecord.create(k, Cid.parse(key1), 5, Instant.now().minusSeconds(1), Duration.ZERO).bytes());
        Cli.assertOneLineError(Cli.run("--data-dir", a.dataDir.toString(), "inspect", stale.toString()), "none, or expired");
        Cli.assertOneLineError(on(a, "name", "resolve", stale.toString()), "no valid record of the name " + stale);
    }

    @Test
    void badInputsAreOneLineErrors() throws Exception {
        DaemonProcess a = daemon("a", List.of());
        Cli.assertOneLineError(on(a, "name", "create", "Bad Label"), "is not a valid name label");
        Cli.assertOneLineError(on(a, "name", "create", "../x"), "is not a valid name label");
        ok(a, "name", "create", "dup");
        Cli.assertOneLineError(on(a, "name", "create", "dup"), "a name labelled 'dup' exists already");
        Cli.assertOneLineError(on(a, "publish", "nope", Cid.of(Cid.DAG_CBOR, "x".getBytes()).toString()), "there is no name labelled 'nope'");
        Cli.assertOneLineError(on(a, "publish", "dup", Cid.of(Cid.DAG_CBOR, "x".getBytes()).toString()), "is not in this daemon's store");
        Cli.assertOneLineError(on(a, "publish", "dup", "notakey"), "is not a valid key");
        String name = JSON.readTree(ok(a, "--json", "name", "ls")).path("names").get(0).path("name").asText();
        Cli.assertOneLineError(on(a, "publish", "dup", name), "is a name, and a name cannot be given here");
        Cli.assertOneLineError(on(a, "publish", "dup", Cid.raw("x".getBytes()).toString()), "names a raw block");
        Cli.assertOneLineError(on(a, "publish", "dup", Cid.of(Cid.DAG_CBOR, "x".getBytes()).toString(), "--lifetime", "5"), "too short");
        Cli.assertOneLineError(on(a, "name", "resolve", "k51notaname"), "is not an IPNS name");
        Cli.assertOneLineError(on(a, "name", "resolve", name), "no valid record of the name " + name);
        Cli.assertOneLineError(on(a, "pull", name), "no valid record of the name " + name);
        Cli.assertOneLineError(on(a, "pull", "k51qzi5uqu5zz"), "is not an IPNS name");
        Cli.assertOneLineError(Cli.run("--data-dir", a.dataDir.toString(), "export", name, base.resolve("o").toString()), "no valid record of the name");
    }
}
