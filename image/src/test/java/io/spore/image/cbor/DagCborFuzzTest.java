package io.spore.image.cbor;

import com.code_intelligence.jazzer.junit.FuzzTest;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

/**
 * Fuzzes the strict decoder: any input either fails with {@link CborException} or decodes to a
 * value whose encoding is the input itself (strictness means one encoding per value).
 * Run for real with {@code tests/fuzz/run} (JAZZER_FUZZ=1).
 */
class DagCborFuzzTest {
    @FuzzTest(maxDuration = "10s")
    void decodeIsStrictAndTotal(byte[] data) {
        CborValue v;
        try {
            v = DagCbor.decode(data);
        } catch (CborException expected) {
            return;
        }
        assertArrayEquals(data, DagCbor.encode(v));
    }
}
