package io.spore.fuse;

import java.nio.file.Path;

/**
 * Figures of one mount since it started.
 *
 * @param dir            the mount point
 * @param image          the image's root CID
 * @param bytesFetched   bytes of blocks that had to be fetched (not in the local store) for reads
 * @param chunksFetched  distinct chunks fetched for reads
 * @param chunksLocal    distinct chunks of the image found in the local store, now
 * @param chunksTotal    distinct chunks in the image
 * @param cacheHits      block reads served by the local store or the mount's small block cache
 * @param urgentFetches  block reads that went to the fetcher
 * @param urgentP50Micros median wait of those, microseconds
 * @param urgentP99Micros 99th percentile wait of those, microseconds
 * @param reads          FUSE read calls
 * @param bytesRead      bytes returned by them
 * @param readErrors     reads that failed (EIO)
 * @param prefetch       whether background prefetch is on
 * @param profileChunks  chunks recorded into the boot profile so far (0 when not recording)
 * @param bytesLocal     stored bytes of the image's distinct chunks in the local store, now (-1 without one)
 * @param imageBytes     stored bytes of the image's distinct chunks: what a full pull fetches
 */
public record MountStats(Path dir, String image, long bytesFetched, long chunksFetched, long chunksLocal,
                         long chunksTotal, long cacheHits, long urgentFetches, long urgentP50Micros,
                         long urgentP99Micros, long reads, long bytesRead, long readErrors, boolean prefetch,
                         long profileChunks, long bytesLocal, long imageBytes) {}
