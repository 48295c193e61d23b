package io.spore.p2p.host;

import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.yamux.YamuxConfig;

import java.time.Duration;
import java.util.List;

/**
 * How a {@link Host} runs. Start from {@link #defaults} and change what you need with the withers.
 *
 * @param listen TCP addresses to listen on (port 0 picks a free port); empty for a dial-only host
 * @param maxConnections open connections at most; further inbound ones are closed at once and dials fail
 * @param dialTimeout TCP connect plus the whole upgrade (multistream, Noise, Yamux)
 * @param negotiationTimeout a stream's protocol negotiation must finish within this
 * @param ioThreads Netty event loop threads; 0 for one per core
 */
public record HostConfig(KeyPair identity, List<Multiaddr> listen, String agentVersion, int maxConnections,
                         Duration dialTimeout, Duration negotiationTimeout, YamuxConfig yamux, int ioThreads) {
    public static final String DEFAULT_AGENT = "spore/0.1.0";

    public HostConfig {
        if (identity == null) throw new IllegalArgumentException("a host needs an identity key");
        listen = List.copyOf(listen);
        for (Multiaddr m : listen) {
            if (m.tcpSocketAddress() == null) throw new IllegalArgumentException("cannot listen on " + m + ": give a TCP address such as /ip4/0.0.0.0/tcp/4001");
        }
        if (maxConnections < 1) throw new IllegalArgumentException("maxConnections must be at least 1");
        if (dialTimeout.isNegative() || dialTimeout.isZero()) throw new IllegalArgumentException("dialTimeout must be positive");
        if (negotiationTimeout.isNegative() || negotiationTimeout.isZero()) throw new IllegalArgumentException("negotiationTimeout must be positive");
        if (ioThreads < 0) throw new IllegalArgumentException("ioThreads must not be negative");
    }

    /** Listens on an ephemeral loopback port; 512 connections; 10 s dial and negotiation timeouts. */
    public static HostConfig defaults(KeyPair identity) {
        return new HostConfig(identity, List.of(Multiaddr.parse("/ip4/127.0.0.1/tcp/0")), DEFAULT_AGENT, 512,
                Duration.ofSeconds(10), Duration.ofSeconds(10), YamuxConfig.defaults(), 0);
    }

    public HostConfig withListen(List<Multiaddr> addresses) {
        return new HostConfig(identity, addresses, agentVersion, maxConnections, dialTimeout, negotiationTimeout, yamux, ioThreads);
    }

    public HostConfig withMaxConnections(int n) {
        return new HostConfig(identity, listen, agentVersion, n, dialTimeout, negotiationTimeout, yamux, ioThreads);
    }

    public HostConfig withDialTimeout(Duration d) {
        return new HostConfig(identity, listen, agentVersion, maxConnections, d, negotiationTimeout, yamux, ioThreads);
    }

    public HostConfig withNegotiationTimeout(Duration d) {
        return new HostConfig(identity, listen, agentVersion, maxConnections, dialTimeout, d, yamux, ioThreads);
    }

    public HostConfig withYamux(YamuxConfig y) {
        return new HostConfig(identity, listen, agentVersion, maxConnections, dialTimeout, negotiationTimeout, y, ioThreads);
    }

    public HostConfig withIoThreads(int n) {
        return new HostConfig(identity, listen, agentVersion, maxConnections, dialTimeout, negotiationTimeout, yamux, n);
    }

    public HostConfig withAgentVersion(String agent) {
        return new HostConfig(identity, listen, agent, maxConnections, dialTimeout, negotiationTimeout, yamux, ioThreads);
    }
}
