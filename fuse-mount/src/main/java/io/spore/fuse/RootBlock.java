package io.spore.fuse;

import io.spore.p2p.multiformats.Cid;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Optional;

/**
 * The {@code profile} key of an image root (FORMAT.md 4.2): read it, or derive the root that
 * carries a profile. Works on the encoded map without knowing its other keys, so it stays in step
 * with the format: every other key and value is copied byte for byte, and keys stay in DAG-CBOR
 * order (length first, then bytes).
 */
final class RootBlock {
    static final String PROFILE = "profile";
    private static final int MAX_DEPTH = 64;

    private RootBlock() {}

    /** The profile link of an image root block, if it has one. */
    static Optional<Cid> profile(byte[] root) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(root);
        long n = head(in, 5);
        for (long i = 0; i < n; i++) {
            String key = text(in);
            if (key.equals(PROFILE)) return Optional.of(link(in));
            skip(in, 0);
        }
        return Optional.empty();
    }

    /** {@code root} with its profile link set to {@code profile} (added, or replaced). */
    static byte[] withProfile(byte[] root, Cid profile) throws IOException {
        ByteBuffer in = ByteBuffer.wrap(root);
        long n = head(in, 5);
        ByteArrayOutputStream items = new ByteArrayOutputStream();
        byte[] ours = profileItem(profile);
        boolean placed = false;
        long count = 0;
        for (long i = 0; i < n; i++) {
            int start = in.position();
            String key = text(in);
            skip(in, 0);
            if (key.equals(PROFILE)) continue;
            if (!placed && keyOrder(PROFILE, key) < 0) {
                items.writeBytes(ours);
                placed = true;
                count++;
            }
            items.write(root, start, in.position() - start);
            count++;
        }
        if (in.hasRemaining()) throw bad("trailing bytes");
        if (!placed) { items.writeBytes(ours); count++; }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        writeHead(out, 5, count);
        items.writeTo(out);
        return out.toByteArray();
    }

    private static byte[] profileItem(Cid profile) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] k = PROFILE.getBytes(StandardCharsets.UTF_8);
        writeHead(out, 3, k.length);
        out.writeBytes(k);
        writeHead(out, 6, 42);
        byte[] cid = profile.bytes();
        writeHead(out, 2, cid.length + 1L);
        out.write(0);
        out.writeBytes(cid);
        return out.toByteArray();
    }

    static int keyOrder(String a, String b) {
        byte[] x = a.getBytes(StandardCharsets.UTF_8), y = b.getBytes(StandardCharsets.UTF_8);
        return x.length != y.length ? Integer.compare(x.length, y.length) : Arrays.compareUnsigned(x, y);
    }

    private static String text(ByteBuffer in) throws IOException {
        long n = head(in, 3);
        if (n > in.remaining()) throw bad("length past the end");
        byte[] b = new byte[(int) n];
        in.get(b);
        return new String(b, StandardCharsets.UTF_8);
    }

    private static Cid link(ByteBuffer in) throws IOException {
        if (head(in, 6) != 42) throw bad("profile is not a link");
        long n = head(in, 2);
        if (n < 2 || n > in.remaining()) throw bad("bad link");
        byte[] b = new byte[(int) n];
        in.get(b);
        if (b[0] != 0) throw bad("bad link prefix");
        try {
            return Cid.decode(Arrays.copyOfRange(b, 1, b.length));
        } catch (RuntimeException e) {
            throw bad("bad CID in link");
        }
    }

    private static long head(ByteBuffer in, int major) throws IOException {
        if (!in.hasRemaining()) throw bad("truncated");
        int b = in.get(in.position()) & 0xff;
        if (b >> 5 != major) throw bad("unexpected CBOR type " + (b >> 5));
        return anyHead(in)[1];
    }

    /** Reads one head: {major, value, info}. */
    private static long[] anyHead(ByteBuffer in) throws IOException {
        try {
            int b = in.get() & 0xff;
            int info = b & 31;
            long v;
            if (info < 24) v = info;
            else if (info == 24) v = in.get() & 0xff;
            else if (info == 25) v = in.getShort() & 0xffff;
            else if (info == 26) v = in.getInt() & 0xffffffffL;
            else if (info == 27) v = in.getLong();
            else throw bad("indefinite or reserved length");
            return new long[] {b >> 5, v, info};
        } catch (java.nio.BufferUnderflowException e) {
            throw bad("truncated");
        }
    }

    private static void skip(ByteBuffer in, int depth) throws IOException {
        if (depth > MAX_DEPTH) throw bad("nested too deep");
        long[] h = anyHead(in);
        long v = h[1];
        switch ((int) h[0]) {
            case 0, 1, 7 -> { }
            case 2, 3 -> {
                if (v < 0 || v > in.remaining()) throw bad("length past the end");
                in.position(in.position() + (int) v);
            }
            case 4 -> { for (long i = 0; i < v; i++) skip(in, depth + 1); }
            case 5 -> { for (long i = 0; i < 2 * v; i++) skip(in, depth + 1); }
            case 6 -> skip(in, depth + 1);
            default -> throw bad("unknown CBOR type");
        }
    }

    static void writeHead(ByteArrayOutputStream out, int major, long v) {
        int m = major << 5;
        if (v < 24) out.write(m | (int) v);
        else if (v < 0x100) { out.write(m | 24); out.write((int) v); }
        else if (v < 0x10000) { out.write(m | 25); out.write((int) (v >> 8)); out.write((int) v); }
        else if (v < 0x100000000L) { out.write(m | 26); for (int s = 24; s >= 0; s -= 8) out.write((int) (v >> s)); }
        else { out.write(m | 27); for (int s = 56; s >= 0; s -= 8) out.write((int) (v >> s)); }
    }

    private static IOException bad(String why) {
        return new IOException("not an image root block (" + why + "): check the key");
    }
}
