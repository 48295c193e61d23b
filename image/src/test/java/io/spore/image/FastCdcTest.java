package io.spore.image;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

class FastCdcTest {
    static byte[] random(long seed, int n) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    static List<Integer> chunk(byte[] data) {
        List<Integer> lengths = new ArrayList<>();
        int off = 0;
        while (off < data.length) {
            int n = FastCdc.cut(data, off, data.length - off);
            lengths.add(n);
            off += n;
        }
        return lengths;
    }

    @Test void gearTableIsSha256OfTheSeedAndIndex() throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        for (int b = 0; b < 256; b++) {
            md.update("spore-gear-v".getBytes(StandardCharsets.US_ASCII));
            md.update((byte) b);
            long v = java.nio.ByteBuffer.wrap(md.digest()).getLong();
            assertEquals(v, FastCdc.GEAR[b]);
        }
        assertEquals(256, new HashSet<>(java.util.Arrays.stream(FastCdc.GEAR).boxed().toList()).size());
    }

    @Test void chunksStayWithinMinAndMaxAndCoverTheStream() {
        byte[] data = random(1, 8 << 20);
        List<Integer> lengths = chunk(data);
        long sum = 0;
        for (int i = 0; i < lengths.size(); i++) {
            int n = lengths.get(i);
            sum += n;
            assertTrue(n <= FastCdc.MAX, "chunk " + i + " longer than MAX: " + n);
            if (i < lengths.size() - 1) assertTrue(n > FastCdc.MIN, "chunk " + i + " not longer than MIN: " + n);
        }
        assertEquals(data.length, sum);
        double avg = (double) data.length / lengths.size();
        System.out.printf("FastCDC on 8 MiB random: %d chunks, average %.0f bytes%n", lengths.size(), avg);
        assertTrue(avg > FastCdc.MIN && avg < FastCdc.MAX, "average " + avg);
    }

    @Test void isDeterministic() {
        byte[] data = random(2, 4 << 20);
        assertEquals(chunk(data), chunk(data.clone()));
    }

    @Test void uniformDataCutsAtMax() {
        byte[] zeros = new byte[1 << 20];
        List<Integer> lengths = chunk(zeros);
        // A run of one byte value gives one fixed hash sequence: the cut is the same for every chunk.
        assertEquals(1, new HashSet<>(lengths.subList(0, lengths.size() - 1)).size());
    }

    @Test void shortStreamsAreOneChunk() {
        assertEquals(List.of(1), chunk(new byte[1]));
        assertEquals(List.of(FastCdc.MIN), chunk(random(3, FastCdc.MIN)));
        assertEquals(0, FastCdc.cut(new byte[0], 0, 0));
    }

    @Test void anInsertionChangesOnlyTheChunksAroundIt() {
        byte[] data = random(4, 8 << 20);
        byte[] shifted = new byte[data.length + 100];
        int at = 3 << 20;
        System.arraycopy(data, 0, shifted, 0, at);
        System.arraycopy(random(5, 100), 0, shifted, at, 100);
        System.arraycopy(data, at, shifted, at + 100, data.length - at);
        Set<String> a = digests(data), b = digests(shifted);
        Set<String> common = new HashSet<>(a);
        common.retainAll(b);
        System.out.printf("shift resistance: %d of %d chunks unchanged after a 100-byte insertion%n", common.size(), a.size());
        assertTrue(a.size() - common.size() <= 3, "only chunks near the insertion may change; changed " + (a.size() - common.size()));
    }

    private static Set<String> digests(byte[] data) {
        Set<String> s = new HashSet<>();
        int off = 0;
        while (off < data.length) {
            int n = FastCdc.cut(data, off, data.length - off);
            s.add(java.util.Arrays.hashCode(java.util.Arrays.copyOfRange(data, off, off + n)) + ":" + n);
            off += n;
        }
        return s;
    }

    @Test void codecRoundTripsAndRefusesWrongLengths() throws Exception {
        byte[] data = "hello hello hello hello".repeat(1000).getBytes(StandardCharsets.US_ASCII);
        byte[] z = ChunkCodec.compress(data, 0, data.length);
        assertTrue(z.length < data.length / 10);
        assertArrayEquals(data, ChunkCodec.decompress(z, data.length));
        assertThrows(java.io.IOException.class, () -> ChunkCodec.decompress(z, data.length - 1));
        assertThrows(java.io.IOException.class, () -> ChunkCodec.decompress(z, data.length + 1));
        assertThrows(java.io.IOException.class, () -> ChunkCodec.decompress(new byte[]{1, 2, 3}, 3));
        assertArrayEquals(z, ChunkCodec.compress(data, 0, data.length), "compression is deterministic");
    }
}
