package io.spore.p2p.host;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.util.List;
import java.util.Set;

/** What identify learned about a peer: its listen addresses, protocols and versions, and how it sees us. */
public record PeerInfo(PeerId peer, List<Multiaddr> listenAddresses, Set<String> protocols, String agentVersion,
                       String protocolVersion, Multiaddr observedAddress) {
    public PeerInfo {
        listenAddresses = List.copyOf(listenAddresses);
        protocols = Set.copyOf(protocols);
    }
}
