package io.spore.p2p.bitswap;

import io.spore.p2p.identity.PeerId;

import java.util.concurrent.CompletableFuture;

/** Sends a message to a peer; the future completes once it is written (or fails with the stream). */
@FunctionalInterface
interface MessageSender {
    CompletableFuture<Void> send(PeerId peer, BitswapMessage message);
}
