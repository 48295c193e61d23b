package io.spore.image.cbor;

import io.spore.p2p.multiformats.Cid;

import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * The DAG-CBOR data model as far as Spore uses it: integers, byte and text strings, arrays, maps
 * with text keys, CID links, booleans and null. Floats are refused by the decoder.
 */
public sealed interface CborValue {

    /**
     * An integer in CBOR's range -2^64 .. 2^64-1: {@code raw} is the CBOR argument as an unsigned
     * 64-bit value; the number is {@code raw} or, when {@code negative}, {@code -1 - raw}.
     */
    record Int(long raw, boolean negative) implements CborValue {
        public static Int of(long v) { return v >= 0 ? new Int(v, false) : new Int(-1 - v, true); }

        public static Int unsigned(long bits) { return new Int(bits, false); }

        /** The value as a signed long, or an exception when it does not fit. */
        public long longValue() throws CborException {
            if (raw < 0) throw new CborException("integer out of the signed 64-bit range");
            return negative ? -1 - raw : raw;
        }

        /** The value of a non-negative integer as an unsigned 64-bit pattern. */
        public long unsignedValue() throws CborException {
            if (negative) throw new CborException("negative integer where an unsigned one is required");
            return raw;
        }
    }

    record Bytes(byte[] value) implements CborValue {
        @Override public boolean equals(Object o) { return o instanceof Bytes b && Arrays.equals(value, b.value); }
        @Override public int hashCode() { return Arrays.hashCode(value); }
        @Override public String toString() { return "Bytes[" + java.util.HexFormat.of().formatHex(value) + "]"; }
    }

    record Text(String value) implements CborValue {}

    record Array(List<CborValue> items) implements CborValue {}

    /** A map; {@code entries} iterates in canonical key order when it came from the decoder. */
    record CMap(Map<String, CborValue> entries) implements CborValue {}

    record Link(Cid cid) implements CborValue {}

    record Bool(boolean value) implements CborValue {}

    enum Null implements CborValue { NULL }
}
