package io.spore.cli.daemon;

import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.ipns.IpnsRecord;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;

import static org.junit.jupiter.api.Assertions.*;

class NamesTest {
    @TempDir Path dir;

    @Test
    void keysArePrivateAndNeverOverwritten() throws Exception {
        Names n = new Names(dir);
        Names.Key k = n.create("web");
        Path file = dir.resolve("names/keys/web.key");
        assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(file)));
        assertEquals("rwx------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dir.resolve("names/keys"))));
        assertEquals(k.name(), new Names(dir).key("web").name(), "the key survives a restart");
        ApiException dup = assertThrows(ApiException.class, () -> n.create("web"));
        assertEquals(409, dup.status);
        assertEquals(k.name(), n.key("web").name(), "the first key is kept");
        for (String bad : new String[]{"", "A", "../x", ".hidden", "a b", "x".repeat(64)}) {
            assertEquals(400, assertThrows(ApiException.class, () -> n.create(bad), bad).status);
        }
        assertEquals(404, assertThrows(ApiException.class, () -> n.key("nope")).status);
        assertEquals(1, n.all().size());
    }

    @Test
    void theStoreKeepsOnlyABetterRecord() throws Exception {
        Names n = new Names(dir);
        Names.Key k = n.create("site");
        Instant now = Instant.now();
        Cid a = Cid.of(Cid.DAG_CBOR, "a".getBytes()), b = Cid.of(Cid.DAG_CBOR, "b".getBytes());
        IpnsRecord r2 = IpnsRecord.create(k.pair(), a, 2, now.plusSeconds(600), Duration.ZERO);
        IpnsRecord r1 = IpnsRecord.create(k.pair(), b, 1, now.plusSeconds(6000), Duration.ZERO);
        assertTrue(n.store(k.name(), r2, now));
        assertFalse(n.store(k.name(), r1, now), "a lower sequence never replaces a higher one");
        assertEquals(2, n.record(k.name(), now).orElseThrow().sequence());
        assertTrue(n.record(k.name(), now.plusSeconds(601)).isEmpty(), "an expired record is not handed out");
        IpnsRecord foreign = IpnsRecord.create(KeyPair.generate(), b, 9, now.plusSeconds(600), Duration.ZERO);
        Files.write(dir.resolve("names/records").resolve(k.name().toString()), foreign.bytes());
        assertTrue(n.record(k.name(), now).isEmpty(), "a record of another key is not believed");
    }
}
