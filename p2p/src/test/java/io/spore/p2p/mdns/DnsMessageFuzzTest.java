package io.spore.p2p.mdns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;

import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Hostile packets into the DNS parser and the mDNS answer reader: only DnsFormatException may
 * come out, and what is read stays bounded. Fuzz for real with {@code tests/fuzz/run}.
 */
class DnsMessageFuzzTest {
    static final PeerId SELF = KeyPair.fromSeed(new byte[32]).peerId();

    @FuzzTest(maxDuration = "10s")
    void parse(byte[] data) {
        try {
            DnsMessage m = DnsMessage.parse(data);
            assertTrue(m.questions().size() + m.answers().size() + m.additionals().size() <= DnsMessage.MAX_RECORDS);
            for (DnsMessage.Record r : m.answers()) assertTrue(r.name().length() <= DnsMessage.MAX_NAME + 63);
            MdnsCodec.Found f = MdnsCodec.found(m, "me");
            if (f != null) assertTrue(f.addresses().size() <= MdnsCodec.MAX_ADDRS && !f.addresses().isEmpty());
            MdnsCodec.asksForUs(m);
        } catch (DnsFormatException expected) {
            // refused: fine
        }
    }
}
