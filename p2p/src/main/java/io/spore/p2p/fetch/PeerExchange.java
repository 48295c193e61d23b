package io.spore.p2p.fetch;

import io.spore.p2p.bitswap.BitswapMessage;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiformats.Cid;

import java.util.Collection;
import java.util.List;

/**
 * What the fetcher needs from the network: send wants to a peer, hear blocks and presences back.
 * {@link io.spore.p2p.bitswap.Bitswap} is the implementation on a libp2p host.
 */
public interface PeerExchange {
    /** Sends want/cancel entries to {@code peer}, connecting first if needed. Failures arrive as {@link Listener#onPeerGone}. */
    void sendWants(PeerId peer, List<BitswapMessage.Want> wants);

    /** Peers with an open connection now. */
    Collection<PeerId> connectedPeers();

    /** Closes every connection to {@code peer}: it broke the protocol or lied. */
    void drop(PeerId peer);

    void setListener(Listener listener);

    interface Listener {
        /** {@code cid} was computed by hashing {@code data}. */
        void onBlock(PeerId from, Cid cid, byte[] data);

        void onPresence(PeerId from, Cid cid, boolean have);

        void onPeerGone(PeerId peer);

        /** A connection to {@code peer} opened: it may have blocks of what is being fetched. */
        default void onPeerConnected(PeerId peer) {}
    }
}
