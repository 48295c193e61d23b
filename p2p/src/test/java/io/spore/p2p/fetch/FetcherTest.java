package io.spore.p2p.fetch;

import io.spore.p2p.bitswap.MemoryBlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class FetcherTest {
    private final FakeNetwork net = new FakeNetwork();
    private final MemoryBlockStore local = new MemoryBlockStore();
    private Fetcher fetcher;

    @AfterEach
    void tearDown() {
        if (fetcher != null) fetcher.close();
        net.close();
    }

    private Fetcher fetcher(FetchConfig cfg, FakeNetwork.FakePeer... providers) {
        fetcher = new Fetcher(local, net, ProviderDiscovery.NONE, cfg);
        for (FakeNetwork.FakePeer p : providers) fetcher.addProvider(p.id);
        return fetcher;
    }

    private static List<Cid> image(int blocks, int size, FakeNetwork.FakePeer... holders) throws Exception {
        Random rnd = new Random(blocks * 31L + size);
        List<Cid> cids = new ArrayList<>();
        for (int i = 0; i < blocks; i++) {
            byte[] b = new byte[size];
            rnd.nextBytes(b);
            Cid c = Cid.raw(b);
            for (FakeNetwork.FakePeer h : holders) h.store.put(c, b);
            cids.add(c);
        }
        return cids;
    }

    private void assertAllLocal(List<Cid> cids) throws Exception {
        for (Cid c : cids) assertTrue(c.matches(local.get(c)), "block " + c + " is in the store and verified");
    }

    @Test
    void urgentReadFetchesFromAProviderIntoTheStore() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        List<Cid> cids = image(1, 10_000, a);
        fetcher(FetchConfig.defaults(), a);
        assertArrayEquals(a.store.get(cids.get(0)), fetcher.get(cids.get(0)));
        assertTrue(local.has(cids.get(0)));
    }

    @Test
    void aReadNoOneCanProvideFailsAfterTheDeadline() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST); // connected, but without the block
        fetcher(FetchConfig.defaults().withNoProviderDeadline(Duration.ofMillis(400)), a);
        Cid absent = Cid.raw(new byte[]{42});
        long t0 = System.nanoTime();
        MissingBlockException e = assertThrows(MissingBlockException.class, () -> fetcher.get(absent));
        assertTrue(System.nanoTime() - t0 >= TimeUnit.MILLISECONDS.toNanos(400), "waited for the deadline");
        assertTrue(e.getMessage().contains("no peer could provide block " + absent), e.getMessage());
    }

    @Test
    void aReadEveryProviderKeepsRefusingFailsAfterTheDeadlineToo() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST); // a provider, asked again and again, never has it
        // retried every 100 ms, well inside the deadline: the retries must not restart it
        fetcher(new FetchConfig(256, 1024, Duration.ofSeconds(10), Duration.ofMillis(800), Duration.ofMillis(100), 1 << 20), a);
        Cid absent = Cid.raw(new byte[]{43});
        long t0 = System.nanoTime();
        MissingBlockException e = assertThrows(MissingBlockException.class, () -> fetcher.get(absent));
        long waited = System.nanoTime() - t0;
        assertTrue(waited >= TimeUnit.MILLISECONDS.toNanos(800) && waited < TimeUnit.SECONDS.toNanos(8), "failed at the deadline: " + waited / 1_000_000 + " ms");
        assertTrue(e.getMessage().contains("no peer could provide block " + absent), e.getMessage());
    }

    @Test
    void aSlowSeederAmongRefusingPeersIsWaitedFor() throws Exception {
        // A swarm: the seeder is saturated (answers after the want timeout), the other peers do not have it yet.
        FakeNetwork.FakePeer seeder = net.peer(1, FakeNetwork.Mode.HONEST);
        FakeNetwork.FakePeer empty = net.peer(2, FakeNetwork.Mode.HONEST);
        seeder.delayMillis = 1500;
        List<Cid> cids = image(1, 1000, seeder);
        fetcher(new FetchConfig(256, 1024, Duration.ofMillis(300), Duration.ofMillis(900), Duration.ofMillis(100), 1 << 20), seeder, empty);
        assertArrayEquals(seeder.store.get(cids.get(0)), fetcher.get(cids.get(0)));
    }

    @Test
    void wantsSpreadOverAllProvidersWithinTheWindow() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        FakeNetwork.FakePeer b = net.peer(2, FakeNetwork.Mode.HONEST);
        a.delayMillis = 2;
        b.delayMillis = 2;
        List<Cid> cids = image(300, 4000, a, b);
        fetcher(FetchConfig.defaults().withWindow(8, 64), a, b);
        Batch batch = fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND);
        batch.done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        assertEquals(300, batch.doneBlocks());
        assertTrue(a.served.get() > 50 && b.served.get() > 50, "served " + a.served + " / " + b.served);
        assertTrue(a.maxInFlight.get() <= 8 && b.maxInFlight.get() <= 8,
                "window of 8 per peer, saw " + a.maxInFlight + " / " + b.maxInFlight);
        assertEquals(2, batch.peers().size());
    }

    @Test
    void knownSizesBoundTheBytesInFlightPerPeer() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        a.delayMillis = 2;
        List<Cid> cids = image(200, 4000, a);
        java.util.Map<Cid, Long> sizes = new java.util.LinkedHashMap<>();
        for (Cid c : cids) sizes.put(c, 4000L);
        fetcher(FetchConfig.defaults().withByteWindow(20_000, 40_000), a);
        Batch batch = fetcher.fetchAll(sizes, cids.get(0), Priority.BACKGROUND);
        batch.done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        assertEquals(200 * 4000L, batch.doneBytes());
        assertTrue(a.maxInFlight.get() > 1 && a.maxInFlight.get() <= 5,
                "20 000 bytes per peer are 5 blocks of 4000 at most, saw " + a.maxInFlight);
    }

    @Test
    void aPeerThatSendsWrongBlocksIsDroppedAndThePullCompletesFromAnHonestOne() throws Exception {
        FakeNetwork.FakePeer liar = net.peer(1, FakeNetwork.Mode.LIAR);
        FakeNetwork.FakePeer honest = net.peer(2, FakeNetwork.Mode.HONEST);
        honest.delayMillis = 5; // so the liar gets asked first
        List<Cid> cids = image(100, 3000, liar, honest);
        fetcher(FetchConfig.defaults(), liar, honest);
        fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND).done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        assertEquals(java.util.Set.of(liar.id), net.dropped);
        assertEquals(1, fetcher.stats().peersDropped());
    }

    @Test
    void aWantThatTimesOutMovesToAnotherPeer() throws Exception {
        FakeNetwork.FakePeer silent = net.peer(1, FakeNetwork.Mode.SILENT);
        FakeNetwork.FakePeer honest = net.peer(2, FakeNetwork.Mode.HONEST);
        List<Cid> cids = image(40, 2000, silent, honest);
        fetcher(FetchConfig.defaults().withWantTimeout(Duration.ofMillis(200)), silent, honest);
        fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND).done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        assertFalse(silent.wantOrder.isEmpty(), "the silent peer was asked");
        assertEquals(40, honest.served.get());
    }

    @Test
    void aPeerThatGoesAwayMidPullIsReplaced() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        FakeNetwork.FakePeer c = net.peer(2, FakeNetwork.Mode.HONEST);
        a.delayMillis = 1;
        c.delayMillis = 20;
        List<Cid> cids = image(200, 2000, a, c);
        fetcher(FetchConfig.defaults(), a, c);
        Batch batch = fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND);
        while (batch.doneBlocks() < 20) Thread.sleep(5);
        net.kill(a);
        batch.done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        assertTrue(c.served.get() > 0);
    }

    /** A background pull of 100 blocks of 100 kB, sizes known; its peer's most want-blocks at once. */
    private int backgroundPullInFlight(boolean afterARead) throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        // a short, slow link: twice its bandwidth-delay product (10 MB/s x 12 ms) is under YIELD_BYTES
        a.delayMillis = 2;
        a.bytesPerSecond = 10_000_000;
        List<Cid> read = image(1, 1000, a);
        List<Cid> cids = image(100, 100_000, a);
        java.util.Map<Cid, Long> sizes = new java.util.LinkedHashMap<>();
        for (Cid c : cids) sizes.put(c, 100_000L);
        fetcher(FetchConfig.defaults(), a);
        if (afterARead) fetcher.get(read.get(0));
        a.maxInFlight.set(0);
        fetcher.fetchAll(sizes, cids.get(0), Priority.BACKGROUND).done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        return a.maxInFlight.get();
    }

    @Test
    void backgroundWantsYieldToRecentReads() throws Exception {
        int cap = (int) (Fetcher.YIELD_BYTES / 100_000) + 1;
        int yielding = backgroundPullInFlight(true);
        assertTrue(yielding <= cap, "within 2 s of a read, at most " + Fetcher.YIELD_BYTES + " bytes of background wants per peer: saw "
                + yielding + " blocks of 100 kB at once");
    }

    @Test
    void withNoReadsABackgroundPullUsesTheWholeWindow() throws Exception {
        int cap = (int) (Fetcher.YIELD_BYTES / 100_000) + 1;
        int free = backgroundPullInFlight(false);
        assertTrue(free > cap, "the yield applies only after reads: saw " + free + " blocks of 100 kB at once");
    }

    @Test
    void onALongFastLinkBackgroundWantsFillTheLinkWhileReadsWait() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        a.delayMillis = 100;
        a.bytesPerSecond = 50_000_000; // 5 MB in one round trip: YIELD_BYTES alone would use a tenth of it
        List<Cid> reads = image(40, 1000, a);
        List<Cid> cids = image(400, 100_000, a);
        java.util.Map<Cid, Long> sizes = new java.util.LinkedHashMap<>();
        for (Cid c : cids) sizes.put(c, 100_000L);
        fetcher(FetchConfig.defaults(), a);
        fetcher.get(reads.get(0));
        Batch batch = fetcher.fetchAll(sizes, cids.get(0), Priority.BACKGROUND);
        // reads keep coming, so the fetcher yields for the whole pull
        for (int i = 1; i < reads.size() && !batch.done().isDone(); i++) {
            fetcher.get(reads.get(i));
            Thread.sleep(200);
        }
        batch.done().get(60, TimeUnit.SECONDS);
        assertAllLocal(cids);
        int cap = (int) (Fetcher.YIELD_BYTES / 100_000) + 1;
        assertTrue(a.maxInFlight.get() > 2 * cap, "while reads waited, background wants grew past YIELD_BYTES towards the link's "
                + "bandwidth-delay product: at most " + a.maxInFlight.get() + " blocks of 100 kB were out at once");
    }

    @Test
    void urgentWantsOvertakeQueuedBackgroundWants() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        a.delayMillis = 10;
        List<Cid> background = image(60, 1000, a);
        List<Cid> urgent = image(1, 1500, a);
        fetcher(FetchConfig.defaults().withWindow(1, 1), a);
        Batch batch = fetcher.fetchAll(background, background.get(0), Priority.BACKGROUND);
        while (batch.doneBlocks() < 3) Thread.sleep(2);
        fetcher.get(urgent.get(0));
        int at = a.wantOrder.indexOf(urgent.get(0));
        assertTrue(at >= 0 && at < 10, "the urgent want went out next, at position " + at);
        assertTrue(batch.doneBlocks() < 60, "before the background ones were done");
        batch.done().get(30, TimeUnit.SECONDS);
    }

    @Test
    void connectedPeersAreAskedWhetherTheyHaveTheKey() throws Exception {
        FakeNetwork.FakePeer empty = net.peer(1, FakeNetwork.Mode.HONEST);
        FakeNetwork.FakePeer holder = net.peer(2, FakeNetwork.Mode.HONEST);
        List<Cid> cids = image(30, 5000, holder);
        fetcher(FetchConfig.defaults()); // no provider told: only want-have to connected peers finds one
        fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND).done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        assertEquals(0, empty.served.get());
    }

    @Test
    void aPeerThatConnectsAfterTheSearchBeganIsAskedAtOnce() throws Exception {
        FakeNetwork.FakePeer late = net.unconnectedPeer(1, FakeNetwork.Mode.HONEST);
        List<Cid> cids = image(5, 1000, late);
        // no provider and no connected peer when the pull starts; the next re-probe would be 2 s later,
        // after this deadline, so only the new connection's own probe can find the provider in time
        fetcher(FetchConfig.defaults().withNoProviderDeadline(Duration.ofMillis(1500)));
        Batch batch = fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND);
        Thread.sleep(300);
        net.connect(late);
        batch.done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
    }

    @Test
    void aProviderThatCannotBeReachedDoesNotHoldUpReads() throws Exception {
        // a provider record that outlived its peer (a host that left): dialling it fails only after 5 s
        net.dialFailMillis = 5000;
        FakeNetwork.FakePeer gone = net.unconnectedPeer(2, FakeNetwork.Mode.HONEST);
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        List<Cid> cids = image(8, 5000, a, gone);
        fetcher(FetchConfig.defaults(), a, gone);
        long t0 = System.nanoTime();
        List<java.util.concurrent.Future<byte[]>> reads = new ArrayList<>();
        try (var ex = java.util.concurrent.Executors.newVirtualThreadPerTaskExecutor()) {
            for (Cid c : cids) reads.add(ex.submit(() -> fetcher.get(c)));
            for (var r : reads) r.get(30, TimeUnit.SECONDS);
        }
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 2500, "8 parallel reads took " + ms + " ms: some waited for the dial to the peer that is gone");
        assertAllLocal(cids);
        assertEquals(8, a.served.get());
        assertEquals(1, net.dials.get(gone.id).get(), "dialled once");
    }

    @Test
    void aProviderFoundAgainIsNotRedialledBeforeItsPause() throws Exception {
        FakeNetwork.FakePeer gone = net.unconnectedPeer(2, FakeNetwork.Mode.HONEST); // its dial fails at once
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        a.delayMillis = 50;
        List<Cid> cids = image(40, 2000, a);
        fetcher(FetchConfig.defaults().withWindow(1, 2), a, gone);
        long t0 = System.nanoTime();
        Batch batch = fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND);
        while (!batch.done().isDone()) {
            fetcher.addProvider(gone.id); // as a DHT search finds its record again and again
            Thread.sleep(20);
        }
        batch.done().get(30, TimeUnit.SECONDS);
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertAllLocal(cids);
        // pauses of 1, 2, 4 ... s while another provider serves: dials at 0, 1, 3, 7 ... s, so at most
        // log2(s + 1) + 1 of them in s seconds (one more allowed for scheduling); one per re-find would be ~50 per s
        int dials = net.dials.get(gone.id).get();
        int most = (int) Math.floor(Math.log(ms / 1000.0 + 1) / Math.log(2)) + 2;
        assertTrue(dials >= 1 && dials <= most, dials + " dials in " + ms + " ms (at most " + most + ")");
    }

    @Test
    void theOnlyProviderIsDialledAgainSoonWhileReadsWaitForIt() throws Exception {
        // gone for 4.2 s, then back: the growing pauses alone would dial at 0, 1, 3 and 7 s
        FakeNetwork.FakePeer back = net.unconnectedPeer(1, FakeNetwork.Mode.HONEST);
        List<Cid> cids = image(1, 3000, back);
        fetcher(FetchConfig.defaults().withNoProviderDeadline(Duration.ofSeconds(30)), back);
        long t0 = System.nanoTime();
        var read = java.util.concurrent.CompletableFuture.supplyAsync(() -> {
            try {
                return fetcher.get(cids.get(0));
            } catch (java.io.IOException e) {
                throw new java.io.UncheckedIOException(e);
            }
        }, Thread::startVirtualThread);
        while (!read.isDone()) {
            if (System.nanoTime() - t0 > TimeUnit.MILLISECONDS.toNanos(4200)) net.dialable.putIfAbsent(back.id, back);
            fetcher.addProvider(back.id); // found again by discovery
            Thread.sleep(20);
        }
        assertArrayEquals(back.store.get(cids.get(0)), read.get());
        long ms = (System.nanoTime() - t0) / 1_000_000;
        assertTrue(ms < 6000, "the read took " + ms + " ms: the provider that came back was not dialled soon");
    }

    @Test
    void aProviderFoundButNotConnectedIsDialledAndServes() throws Exception {
        FakeNetwork.FakePeer found = net.unconnectedPeer(1, FakeNetwork.Mode.HONEST);
        net.dialable.put(found.id, found);
        List<Cid> cids = image(20, 3000, found);
        fetcher(FetchConfig.defaults(), found);
        fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND).done().get(30, TimeUnit.SECONDS);
        assertAllLocal(cids);
        assertEquals(1, net.dials.get(found.id).get());
    }

    @Test
    void aPullResumesWithWhatIsAlreadyStored() throws Exception {
        FakeNetwork.FakePeer a = net.peer(1, FakeNetwork.Mode.HONEST);
        List<Cid> cids = image(50, 1000, a);
        for (Cid c : cids.subList(0, 30)) local.put(c, a.store.get(c));
        fetcher(FetchConfig.defaults(), a);
        Batch batch = fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND);
        batch.done().get(30, TimeUnit.SECONDS);
        assertEquals(20, a.served.get(), "only the missing blocks were fetched");
        assertEquals(50, batch.doneBlocks());
    }

    @Test
    void aPullWithNoProviderFails() throws Exception {
        List<Cid> cids = image(5, 100);
        fetcher(FetchConfig.defaults().withNoProviderDeadline(Duration.ofMillis(300)));
        ExecutionException e = assertThrows(ExecutionException.class,
                () -> fetcher.fetchAll(cids, cids.get(0), Priority.BACKGROUND).done().get(10, TimeUnit.SECONDS));
        assertInstanceOf(MissingBlockException.class, e.getCause());
        assertEquals(0, fetcher.stats().queued(), "the failed pull left nothing queued");
    }
}
