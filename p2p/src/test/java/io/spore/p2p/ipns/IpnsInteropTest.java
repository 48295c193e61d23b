package io.spore.p2p.ipns;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/**
 * Spore's IPNS records against js-ipns 10 (the reference JavaScript library, from npm via
 * tests/setup/15-ipns-js.sh): js accepts what we sign and refuses what we refuse; we accept what
 * js signs (V1+V2 records, as Helia publishes them).
 */
class IpnsInteropTest {
    static final ObjectMapper JSON = new ObjectMapper();
    static Path dir;

    @BeforeAll
    static void requireJsIpns() {
        String cache = System.getenv("SPORE_TEST_CACHE");
        dir = Path.of(cache == null || cache.isEmpty() ? "/var/cache/spore-tests" : cache, "npm-ipns", "current");
        boolean ok = Files.isRegularFile(dir.resolve("ipns-check.mjs")) && Files.isDirectory(dir.resolve("node_modules/ipns"));
        String msg = dir + " has no js-ipns: run tests/setup/15-ipns-js.sh (tests/run does)";
        if (!ok && "true".equals(System.getenv("CI"))) throw new IllegalStateException(msg);
        Assumptions.assumeTrue(ok, msg);
    }

    static JsonNode js(String... args) throws Exception {
        List<String> cmd = new java.util.ArrayList<>(List.of("node", "ipns-check.mjs"));
        cmd.addAll(List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        try {
            if (!p.waitFor(60, TimeUnit.SECONDS)) throw new AssertionError("node did not finish");
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
            return JSON.readTree(out.lines().reduce((a, b) -> b).orElse("{}"));
        } finally {
            p.destroyForcibly();
        }
    }

    static JsonNode jsValidate(IpnsName name, byte[] record) throws Exception {
        return js("validate", HexFormat.of().formatHex(name.routingKey()), Base64.getEncoder().encodeToString(record));
    }

    @Test
    void jsIpnsAcceptsOurRecord() throws Exception {
        KeyPair key = KeyPair.generate();
        Cid image = Cid.of(Cid.DAG_CBOR, "image".getBytes());
        Instant eol = Instant.now().plus(1, ChronoUnit.HOURS).truncatedTo(ChronoUnit.MILLIS).plusNanos(123_456);
        IpnsRecord r = IpnsRecord.create(key, image, 42, eol, Duration.ofSeconds(90));
        JsonNode got = jsValidate(new IpnsName(key.peerId()), r.bytes());
        assertFalse(got.has("error"), got.toString());
        assertEquals("/ipfs/" + image, got.path("value").asText());
        assertEquals("42", got.path("sequence").asText());
        assertEquals(Instant.parse(got.path("validity").asText()), eol);
        assertEquals(String.valueOf(Duration.ofSeconds(90).toNanos()), got.path("ttl").asText());
    }

    @Test
    void jsIpnsRefusesWhatWeRefuse() throws Exception {
        KeyPair key = KeyPair.generate();
        Cid image = Cid.of(Cid.DAG_CBOR, "image".getBytes());
        byte[] expired = IpnsRecord.create(key, image, 1, Instant.now().minusSeconds(5), Duration.ZERO).bytes();
        assertTrue(jsValidate(new IpnsName(key.peerId()), expired).has("error"), "js refuses an expired record");
        byte[] foreign = IpnsRecord.create(KeyPair.generate(), image, 1, Instant.now().plusSeconds(60), Duration.ZERO).bytes();
        assertTrue(jsValidate(new IpnsName(key.peerId()), foreign).has("error"), "js refuses a record of another key");
    }

    @Test
    void weAcceptJsIpnsRecordsAndRefuseThemForAnotherName() throws Exception {
        Cid image = Cid.of(Cid.DAG_CBOR, "from js".getBytes());
        JsonNode made = js("create", "/ipfs/" + image, "7", "600000");
        assertFalse(made.has("error"), made.toString());
        IpnsName name = IpnsName.fromRoutingKey(HexFormat.of().parseHex(made.path("routingKey").asText()));
        byte[] record = Base64.getDecoder().decode(made.path("record").asText());
        IpnsRecord r = IpnsRecord.validate(name, record, Instant.now());
        assertEquals(7, r.sequence());
        assertEquals(image, r.target());
        assertTrue(name.toString().startsWith("k51qzi5uqu5"), name.toString());
        IpnsName other = new IpnsName(KeyPair.generate().peerId());
        assertThrows(IpnsException.class, () -> IpnsRecord.validate(other, record, Instant.now()));
        assertThrows(IpnsException.class, () -> IpnsRecord.validate(name, record, Instant.now().plusSeconds(601)), "expired by then");
    }
}
