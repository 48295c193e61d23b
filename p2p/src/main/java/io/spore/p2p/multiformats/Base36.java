package io.spore.p2p.multiformats;

import java.math.BigInteger;

/**
 * Lowercase base36 (multibase 'k'), the text form of IPNS names ({@code k51...}): short enough to
 * fit a DNS label, which base32 CIDs of Ed25519 keys are not.
 */
public final class Base36 {
    private static final String ALPHABET = "0123456789abcdefghijklmnopqrstuvwxyz";
    /** Names are short; the bound keeps BigInteger work trivial on hostile input. */
    private static final int MAX_TEXT = 256;

    private Base36() {}

    public static String encode(byte[] input) {
        int zeros = 0;
        while (zeros < input.length && input[zeros] == 0) zeros++;
        String rest = zeros == input.length ? "" : new BigInteger(1, input).toString(36);
        return "0".repeat(zeros) + rest;
    }

    /** Decodes lowercase or uppercase base36 (multibase 'k' and 'K' differ only in case). */
    public static byte[] decode(CharSequence text) {
        if (text.length() > MAX_TEXT) throw new IllegalArgumentException("base36 text too long");
        String s = text.toString().toLowerCase(java.util.Locale.ROOT);
        int zeros = 0;
        while (zeros < s.length() && s.charAt(zeros) == '0') zeros++;
        for (int i = zeros; i < s.length(); i++) {
            if (ALPHABET.indexOf(s.charAt(i)) < 0) throw new IllegalArgumentException("invalid base36 character '" + s.charAt(i) + "'");
        }
        byte[] rest = zeros == s.length() ? new byte[0] : new BigInteger(s.substring(zeros), 36).toByteArray();
        int skip = rest.length > 1 && rest[0] == 0 ? 1 : 0; // BigInteger's sign byte
        byte[] out = new byte[zeros + rest.length - skip];
        System.arraycopy(rest, skip, out, zeros, rest.length - skip);
        return out;
    }
}
