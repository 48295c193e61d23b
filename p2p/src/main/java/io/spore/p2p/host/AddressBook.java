package io.spore.p2p.host;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.List;

/**
 * Addresses known for peers, each with an expiry. Addresses are kept without /p2p/; expired
 * ones are not returned. Bounded in peers and in addresses per peer.
 */
public interface AddressBook {
    void add(PeerId peer, Multiaddr address, Duration ttl);

    List<Multiaddr> addresses(PeerId peer);
}
