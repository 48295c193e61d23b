package io.spore.p2p.ipns;

import com.code_intelligence.jazzer.junit.FuzzTest;

import java.util.Arrays;

/**
 * The record data decoder, fuzzed directly: through {@link IpnsRecord#validate} fuzzing never gets
 * past the signature. It may refuse input, never fail otherwise; what it accepts re-encodes to
 * data that decodes to the same fields.
 */
class IpnsCborFuzzTest {
    @FuzzTest(maxDuration = "30s")
    void decodeRefusesOrRoundTrips(byte[] input) throws IpnsException {
        IpnsCbor.Data d;
        try {
            d = IpnsCbor.decode(input);
        } catch (IpnsException refused) {
            return;
        }
        IpnsCbor.Data again = IpnsCbor.decode(IpnsCbor.encode(d));
        if (!Arrays.equals(d.value(), again.value()) || !Arrays.equals(d.validity(), again.validity())
                || d.sequence() != again.sequence() || d.ttl() != again.ttl() || d.validityType() != again.validityType()) {
            throw new IllegalStateException("data does not survive a round trip");
        }
    }
}
