package io.spore.p2p.host;

import io.netty.channel.Channel;

/**
 * Serves one protocol on inbound streams. Called on the stream's event loop once multistream-select
 * has agreed on the protocol; it adds the protocol's handlers to {@code stream}'s (empty) pipeline.
 */
@FunctionalInterface
public interface StreamHandler {
    void initStream(Channel stream, Connection connection);
}
