/**
 * The Kademlia DHT, {@code /ipfs/kad/1.0.0} (libp2p/specs kad-dht/README.md; ipfs/specs
 * src/routing/kad-dht.md). Public: {@link io.spore.p2p.kad.Dht}, {@link io.spore.p2p.kad.DhtConfig},
 * {@link io.spore.p2p.kad.PeerAddresses}. Split as wire codec ({@code KadCodec}, {@code KadFrameDecoder}),
 * per-stream handlers ({@code KadInboundHandler}, {@code KadResponseHandler}) and per-node service
 * ({@code Dht} with {@code RoutingTable}, {@code ProviderStore}, {@code Lookup}, {@code KadServer}).
 *
 * <p>Where this follows the implementations rather than the spec text: provider keys are the
 * CID's multihash (js and go), ADD_PROVIDER gets no reply (js and go), alpha is 10 (the spec since
 * Dec 2024, and js). Not implemented: PUT_VALUE/GET_VALUE records (GET_VALUE is answered with
 * closer peers only, PUT_VALUE is refused).
 */
package io.spore.p2p.kad;
