package io.spore.p2p.bitswap;

import io.spore.p2p.fetch.Batch;
import io.spore.p2p.fetch.FetchConfig;
import io.spore.p2p.fetch.Fetcher;
import io.spore.p2p.fetch.Priority;
import io.spore.p2p.fetch.ProviderDiscovery;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

/** Bitswap between two real libp2p hosts in this JVM (Noise, Yamux on loopback TCP), stores in memory. */
class BitswapOverHostTest {
    @Test
    void aFetcherPullsEveryBlockFromAServingHost() throws Exception {
        MemoryBlockStore served = new MemoryBlockStore();
        MemoryBlockStore local = new MemoryBlockStore();
        List<Cid> cids = new ArrayList<>();
        Random r = new Random(1);
        int n = Integer.getInteger("bitswap.blocks", 800);
        for (int i = 0; i < n; i++) {
            byte[] b = new byte[40_000 + r.nextInt(60_000)];
            r.nextBytes(b);
            cids.add(served.put(Cid.RAW, b));
        }
        try (Host a = Hosts.start(HostConfig.defaults(KeyPair.generate()));
             Host b = Hosts.start(HostConfig.defaults(KeyPair.generate()));
             Bitswap sa = new Bitswap(a, served).start();
             Bitswap sb = new Bitswap(b, local).start();
             Fetcher f = new Fetcher(local, sb, ProviderDiscovery.NONE, FetchConfig.defaults().withWantTimeout(java.time.Duration.ofMillis(Long.getLong("bitswap.timeoutMs", 10000))).withWindow(Integer.getInteger("bitswap.window", 256), 4 * Integer.getInteger("bitswap.window", 256)))) {
            b.connect(a.listenAddresses().get(0).withPeerId(a.peerId())).get(10, TimeUnit.SECONDS);
            f.addProvider(a.peerId());
            long t0 = System.nanoTime();
            Batch batch = f.fetchAll(cids, cids.get(0), Priority.BACKGROUND);
            batch.done().get(120, TimeUnit.SECONDS);
            double secs = (System.nanoTime() - t0) / 1e9;
            System.out.printf("bitswap over a host: %d blocks, %.1f MB in %.2f s = %.1f MB/s%n",
                    n, batch.doneBytes() / 1e6, secs, batch.doneBytes() / 1e6 / secs);
            System.out.println(f.stats());
            for (Cid c : cids) assertTrue(c.matches(local.get(c)));
            assertEquals(n, sa.blocksSent());
        }
    }
}
