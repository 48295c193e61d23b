package io.spore.image;

import io.spore.p2p.multiformats.Cid;

/**
 * One chunk of the packed stream.
 *
 * @param cid          the raw block holding the compressed chunk
 * @param streamOffset where the chunk's original bytes start in the packed stream
 * @param length       original (uncompressed) length
 * @param storedLength block size (compressed)
 */
public record Chunk(Cid cid, long streamOffset, int length, int storedLength) {}
