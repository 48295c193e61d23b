package io.spore.p2p.ping;

import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;

import java.util.concurrent.CompletableFuture;

/** {@value #ID} (ping/ping.md): echoes 32-byte pings, and opens a {@link Pinger} to a peer. */
public final class PingService {
    public static final String ID = "/ipfs/ping/1.0.0";
    static final int SIZE = 32;

    private PingService() {}

    /** Serves ping on {@code host}. */
    public static void install(Host host) {
        host.handle(ID, (stream, conn) -> stream.pipeline().addLast(new PingEchoHandler()));
    }

    /** Opens a ping stream on {@code connection}; ping as often as you like, then close it. */
    public static CompletableFuture<Pinger> open(Connection connection) {
        return connection.openStream(ID).thenApply(Pinger::new);
    }
}
