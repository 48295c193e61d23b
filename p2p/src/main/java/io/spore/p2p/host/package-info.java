/**
 * The libp2p host: TCP (Netty epoll), multistream-select, Noise XX, Yamux, identify and ping.
 *
 * <pre>
 * Host host = Hosts.start(HostConfig.defaults(IdentityFile.loadOrCreate(dataDir))
 *         .withListen(List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/4001"))));
 * // Serve a protocol: called on the stream's event loop once multistream agreed on it.
 * host.handle("/ipfs/kad/1.0.0", (stream, conn) -> stream.pipeline().addLast(
 *         new LengthPrefixedDecoder(64 * 1024), new MyHandler(conn)));
 * // Use one: connect reuses an open connection to the peer; openStream negotiates the protocol.
 * Connection c = host.connect(Multiaddr.parse("/ip4/192.0.2.1/tcp/4001/p2p/12D3KooW...")).get();
 * Channel s = c.openStream("/ipfs/kad/1.0.0").get();
 * s.pipeline().addLast(new LengthPrefixedDecoder(64 * 1024), new MyClientHandler());
 * s.writeAndFlush(LengthPrefixedDecoder.encode(s.alloc(), request));
 * Streams.finish(s, Duration.ofSeconds(10)); // FIN, then close once the peer finished too
 * </pre>
 *
 * Streams are Netty {@link io.netty.channel.socket.DuplexChannel}s: the peer's FIN arrives as a
 * {@link io.netty.channel.socket.ChannelInputShutdownEvent}; {@code close()} before both sides
 * finished sends RST. {@link io.spore.p2p.host.Host#onIdentified} tells which protocols a peer
 * speaks (Kademlia server mode, Bitswap); {@link io.spore.p2p.host.Host#addressBook} holds the
 * addresses identify and others learned. Tests start js-libp2p peers with
 * {@code io.spore.p2p.interop.JsPeer} (p2p test sources).
 */
package io.spore.p2p.host;
