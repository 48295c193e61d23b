package io.spore.cli.daemon;

import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;

import java.util.List;

/** Starts the libp2p host; the one place that knows which implementation that is. */
public final class HostStarter {
    private HostStarter() {}

    public static Host start(KeyPair identity, List<Multiaddr> listen) {
        return Hosts.start(HostConfig.defaults(identity).withListen(listen));
    }
}
