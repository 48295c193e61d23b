package io.spore.p2p.host;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.util.Collection;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;

/**
 * A libp2p node on TCP: listens, dials, upgrades every connection (multistream-select, Noise XX,
 * Yamux), runs identify and ping, and dispatches inbound streams to the handlers registered for
 * their protocol. One connection per peer where possible.
 *
 * <p>Start one with {@link Hosts#start}.
 */
public interface Host extends AutoCloseable {
    PeerId peerId();

    /** Actual listen addresses (ports resolved), without /p2p/. */
    List<Multiaddr> listenAddresses();

    /** Registers the handler of inbound streams for {@code protocol} (also announced by identify). */
    void handle(String protocol, StreamHandler handler);

    /** Connects to the address (which may end in /p2p/ID), reusing a connection to that peer if open. */
    CompletableFuture<Connection> connect(Multiaddr address);

    /** Connects to a peer by the addresses the address book knows for it. */
    CompletableFuture<Connection> connect(PeerId peer);

    /** Known addresses of peers, fed by identify, the DHT, mDNS and configuration. */
    AddressBook addressBook();

    Collection<Connection> connections();

    /** Called (on a Netty thread) for every new connection, inbound or outbound. */
    void onConnected(Consumer<Connection> listener);

    /** Called (on a Netty thread) when a connection closes. */
    void onDisconnected(Consumer<Connection> listener);

    // Added after the contract was published; default methods so that test fakes of Host elsewhere keep compiling.

    /** The protocols this host serves (those given to {@link #handle}, identify and ping included). */
    default java.util.Set<String> protocols() { throw new UnsupportedOperationException("protocols() not supported by " + getClass().getName()); }

    /** Stops serving {@code protocol} (identify push tells connected peers). */
    default void unhandle(String protocol) { throw new UnsupportedOperationException("unhandle() not supported by " + getClass().getName()); }

    /** What identify last learned about a peer, if anything. */
    default java.util.Optional<PeerInfo> peerInfo(PeerId peer) { return java.util.Optional.empty(); }

    /** Called (on a Netty thread) whenever identify (or a push) tells us about a peer. */
    default void onIdentified(Consumer<PeerInfo> listener) { throw new UnsupportedOperationException("onIdentified() not supported by " + getClass().getName()); }

    @Override void close();
}
