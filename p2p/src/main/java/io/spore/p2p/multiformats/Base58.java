package io.spore.p2p.multiformats;

import java.util.Arrays;

/** Bitcoin base58 (multibase 'z'), used by the legacy text form of peer ids and CIDv0. */
public final class Base58 {
    private static final char[] ALPHABET = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz".toCharArray();
    private static final int[] DECODE = new int[128];
    /** Peer ids and CIDs are short; refusing long input keeps the quadratic decoder cheap. */
    private static final int MAX_TEXT = 512;

    static {
        Arrays.fill(DECODE, -1);
        for (int i = 0; i < ALPHABET.length; i++) DECODE[ALPHABET[i]] = i;
    }

    private Base58() {}

    public static String encode(byte[] input) {
        if (input.length == 0) return "";
        int zeros = 0;
        while (zeros < input.length && input[zeros] == 0) zeros++;
        byte[] digits = Arrays.copyOf(input, input.length);
        char[] out = new char[input.length * 2];
        int outStart = out.length;
        int start = zeros;
        while (start < digits.length) {
            int rem = 0;
            for (int i = start; i < digits.length; i++) {
                int acc = (rem << 8) | (digits[i] & 0xFF);
                digits[i] = (byte) (acc / 58);
                rem = acc % 58;
            }
            out[--outStart] = ALPHABET[rem];
            while (start < digits.length && digits[start] == 0) start++;
        }
        while (zeros-- > 0) out[--outStart] = ALPHABET[0];
        return new String(out, outStart, out.length - outStart);
    }

    public static byte[] decode(CharSequence text) {
        if (text.length() > MAX_TEXT) throw new IllegalArgumentException("base58 text too long");
        if (text.length() == 0) return new byte[0];
        int zeros = 0;
        while (zeros < text.length() && text.charAt(zeros) == ALPHABET[0]) zeros++;
        byte[] b256 = new byte[text.length()];
        int len = 0;
        for (int i = zeros; i < text.length(); i++) {
            char c = text.charAt(i);
            int carry = c < 128 ? DECODE[c] : -1;
            if (carry < 0) throw new IllegalArgumentException("invalid base58 character '" + c + "'");
            for (int j = 0; j < len; j++) {
                carry += (b256[b256.length - 1 - j] & 0xFF) * 58;
                b256[b256.length - 1 - j] = (byte) carry;
                carry >>>= 8;
            }
            while (carry > 0) {
                b256[b256.length - 1 - len++] = (byte) carry;
                carry >>>= 8;
            }
        }
        byte[] out = new byte[zeros + len];
        System.arraycopy(b256, b256.length - len, out, zeros, len);
        return out;
    }
}
