package io.spore.p2p.ipns;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.spore.p2p.identity.KeyPair;

import java.time.Instant;

/** Records arrive from any DHT peer: validation may refuse them, never fail otherwise. */
class IpnsRecordFuzzTest {
    static final IpnsName NAME = new IpnsName(KeyPair.fromSeed(new byte[32]).peerId());

    @FuzzTest(maxDuration = "30s")
    void validateNeverThrowsUnchecked(byte[] input) {
        try {
            IpnsRecord.validate(NAME, input, Instant.EPOCH);
        } catch (IpnsException expected) {
            // refused with a reason: fine
        }
    }
}
