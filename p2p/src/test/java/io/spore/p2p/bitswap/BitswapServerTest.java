package io.spore.p2p.bitswap;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.*;

class BitswapServerTest {
    private static final PeerId PEER = io.spore.p2p.identity.KeyPair.fromSeed(new byte[32]).peerId();

    private final MemoryBlockStore store = new MemoryBlockStore();
    private final LinkedBlockingQueue<BitswapMessage> sent = new LinkedBlockingQueue<>();
    private final BitswapServer server = new BitswapServer(store,
            (peer, m) -> { sent.add(m); return CompletableFuture.completedFuture(null); },
            Executors.newVirtualThreadPerTaskExecutor());

    private static byte[] bytes(int n, long seed) {
        byte[] b = new byte[n];
        new Random(seed).nextBytes(b);
        return b;
    }

    private BitswapMessage next() throws InterruptedException {
        BitswapMessage m = sent.poll(5, TimeUnit.SECONDS);
        assertNotNull(m, "the server sent nothing");
        return m;
    }

    @Test
    void answersEachKindOfWant() throws Exception {
        Cid big = store.put(Cid.RAW, bytes(100_000, 1));
        Cid small = store.put(Cid.RAW, bytes(500, 2));
        Cid missing = Cid.raw(bytes(10, 3));

        server.onWants(PEER, List.of(BitswapMessage.Want.have(big, 1)), false);
        assertEquals(List.of(new BitswapMessage.Presence(big, true)), next().presences());

        server.onWants(PEER, List.of(BitswapMessage.Want.have(small, 1)), false);
        BitswapMessage m = next();
        assertEquals(small, m.blocks().get(0).cid(), "a block of 1 KiB or less answers want-have itself, as Helia does");

        server.onWants(PEER, List.of(BitswapMessage.Want.block(big, 1)), false);
        assertArrayEquals(store.get(big), next().blocks().get(0).data());

        server.onWants(PEER, List.of(BitswapMessage.Want.block(missing, 1)), false);
        assertEquals(List.of(new BitswapMessage.Presence(missing, false)), next().presences());
    }

    @Test
    void aWantHaveDoesNotWeakenAPendingWantBlock() throws Exception {
        Cid big = store.put(Cid.RAW, bytes(100_000, 7));
        server.onWants(PEER, List.of(BitswapMessage.Want.block(big, 1), BitswapMessage.Want.have(big, 1)), false);
        BitswapMessage m = next();
        assertEquals(List.of(big), m.blocks().stream().map(BitswapMessage.Block::cid).toList(), "the block, not a presence");
        assertTrue(m.presences().isEmpty());
    }

    @Test
    void theMostUrgentWantIsServedFirst() throws Exception {
        List<Cid> background = new ArrayList<>();
        for (int i = 0; i < 100; i++) background.add(store.put(Cid.RAW, bytes(2000, 100 + i)));
        Cid urgent = store.put(Cid.RAW, bytes(2000, 99));
        List<BitswapMessage.Want> wants = new ArrayList<>();
        for (Cid c : background) wants.add(BitswapMessage.Want.block(c, 1));
        wants.add(BitswapMessage.Want.block(urgent, 1 << 30));
        server.onWants(PEER, wants, false);
        List<Cid> order = new ArrayList<>();
        while (order.size() < 101) for (BitswapMessage.Block b : next().blocks()) order.add(b.cid());
        assertEquals(urgent, order.get(0), "the urgent want overtook the hundred queued before it");
        assertEquals(background, order.subList(1, 101), "then the rest in arrival order");
    }

    @Test
    void keepsWantsWithoutSendDontHaveUntilTheBlockArrives() throws Exception {
        byte[] data = bytes(2000, 4);
        Cid cid = Cid.raw(data);
        server.onWants(PEER, List.of(new BitswapMessage.Want(cid, 1, false, BitswapMessage.WantType.BLOCK, false)), false);
        assertNull(sent.poll(300, TimeUnit.MILLISECONDS));
        store.put(cid, data);
        server.blockAdded(cid);
        assertEquals(cid, next().blocks().get(0).cid());
    }

    @Test
    void aWaitingWantHaveIsAnsweredWithHaveNotTheBlock() throws Exception {
        byte[] data = bytes(2000, 8);
        Cid cid = Cid.raw(data);
        server.onWants(PEER, List.of(new BitswapMessage.Want(cid, 1, false, BitswapMessage.WantType.HAVE, false)), false);
        assertNull(sent.poll(300, TimeUnit.MILLISECONDS));
        store.put(cid, data);
        server.blockAdded(cid);
        BitswapMessage m = next();
        assertEquals(List.of(new BitswapMessage.Presence(cid, true)), m.presences());
        assertTrue(m.blocks().isEmpty());
    }

    @Test
    void cancelAndFullWantlistForgetWaitingWants() throws Exception {
        byte[] data = bytes(2000, 5);
        Cid cid = Cid.raw(data);
        server.onWants(PEER, List.of(new BitswapMessage.Want(cid, 1, false, BitswapMessage.WantType.BLOCK, false)), false);
        Thread.sleep(100);
        assertEquals(1, server.waiting(PEER).size());
        server.onWants(PEER, List.of(BitswapMessage.Want.cancel(cid)), false);
        assertTrue(server.waiting(PEER).isEmpty());
        store.put(cid, data);
        server.blockAdded(cid);
        assertNull(sent.poll(300, TimeUnit.MILLISECONDS));
    }

    @Test
    void packsBlocksIntoMessagesUnder4MiB() throws Exception {
        List<BitswapMessage.Want> wants = new ArrayList<>();
        for (int i = 0; i < 20; i++) wants.add(BitswapMessage.Want.block(store.put(Cid.RAW, bytes(1 << 20, 100 + i)), 1));
        server.onWants(PEER, wants, false);
        int blocks = 0;
        while (blocks < 20) {
            BitswapMessage m = next();
            assertTrue(BitswapCodec.encode(m).length <= BitswapCodec.MAX_MESSAGE);
            blocks += m.blocks().size();
        }
        assertEquals(20, blocks);
        assertEquals(20L << 20, server.bytesSent());
    }
}
