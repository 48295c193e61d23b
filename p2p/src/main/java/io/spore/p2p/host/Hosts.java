package io.spore.p2p.host;

/** Starts libp2p hosts. */
public final class Hosts {
    private Hosts() {}

    /**
     * Binds the listen addresses and starts a host with identify and ping. Throws
     * {@link java.io.UncheckedIOException} with a one-line reason when an address cannot be bound.
     */
    public static Host start(HostConfig config) {
        return Libp2pHost.start(config);
    }
}
