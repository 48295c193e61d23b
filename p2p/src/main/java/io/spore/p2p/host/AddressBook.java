package io.spore.p2p.host;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.List;

/**
 * Addresses known for peers, each with an expiry.
 *
 * <p>CONTRACT (filled in by the libp2p work): other modules code against these signatures.
 */
public interface AddressBook {
    void add(PeerId peer, Multiaddr address, Duration ttl);

    List<Multiaddr> addresses(PeerId peer);
}
