package io.spore.p2p.kad;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.util.List;

/** A peer and the addresses (without /p2p/) the DHT learned for it. */
public record PeerAddresses(PeerId peer, List<Multiaddr> addresses) {
    public PeerAddresses {
        if (peer == null) throw new IllegalArgumentException("peer is null");
        addresses = List.copyOf(addresses);
    }
}
