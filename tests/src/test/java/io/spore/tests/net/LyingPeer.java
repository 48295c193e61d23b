package io.spore.tests.net;

import io.spore.p2p.bitswap.Bitswap;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.FileBlockStore;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * A hostile Bitswap peer for the resilience tests, run as its own process inside a node's namespace
 * (see {@link Node#liar}): a real libp2p host and Bitswap server over a copy of an image's blocks that
 * answers wants ("have") and then misbehaves. Modes:
 * <ul>
 *   <li>{@code wrong-blocks}: every block it sends has one byte flipped (a forged or corrupted copy);</li>
 *   <li>{@code slow-drip}: every block is held back for a minute before it is sent;</li>
 *   <li>{@code false-haves}: claims every block ("have") and sends none (run it over an empty data dir).</li>
 * </ul>
 * It prints its address ({@code /ip4/IP/tcp/PORT/p2p/ID}) on the first line and exits when its
 * standard input closes, so it never outlives the test that started it.
 */
public final class LyingPeer {
    private LyingPeer() {}

    public static void main(String[] args) throws Exception {
        if (args.length != 3) throw new IllegalArgumentException("usage: LyingPeer wrong-blocks|slow-drip|false-haves DATA_DIR IP");
        String mode = args[0];
        try (FileBlockStore blocks = FileBlockStore.open(Path.of(args[1]))) {
            BlockStore liar = switch (mode) {
                case "wrong-blocks" -> new Lying(blocks, false, data -> data[data.length / 2] ^= 0x5a);
                case "slow-drip" -> new Lying(blocks, false, data -> sleep(60));
                case "false-haves" -> new Lying(blocks, true, data -> {});
                default -> throw new IllegalArgumentException("unknown mode " + mode + ": use wrong-blocks, slow-drip or false-haves");
            };
            Multiaddr listen = Multiaddr.parse("/ip4/" + args[2] + "/tcp/" + SporeDaemon.PORT);
            try (Host host = Hosts.start(HostConfig.defaults(KeyPair.generate()).withListen(List.of(listen)));
                 Bitswap bitswap = new Bitswap(host, liar).start()) {
                System.out.println(host.listenAddresses().getFirst().withPeerId(host.peerId()));
                System.out.flush();
                while (System.in.read() >= 0) { /* until the test closes our stdin or ends */ }
            }
        }
        System.exit(0);
    }

    private static void sleep(int seconds) {
        try {
            TimeUnit.SECONDS.sleep(seconds);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The real store's blocks, passed through {@code lie} on their way out; {@code claimsAll}: "have" to every want. */
    private record Lying(BlockStore real, boolean claimsAll, Consumer<byte[]> lie) implements BlockStore {
        @Override public boolean has(Cid cid) { return claimsAll || real.has(cid); }

        @Override public byte[] get(Cid cid) throws IOException {
            byte[] data = real.get(cid).clone();
            lie.accept(data);
            return data;
        }

        @Override public void put(Cid cid, byte[] data) { throw new UnsupportedOperationException("a lying peer stores nothing"); }

        @Override public long size(Cid cid) throws IOException { return real.size(cid); }

        @Override public void delete(Cid cid) { throw new UnsupportedOperationException("a lying peer deletes nothing"); }

        @Override public void forEach(Consumer<Cid> each) throws IOException { real.forEach(each); }

        @Override public void close() { /* the real store is closed by main */ }
    }
}
