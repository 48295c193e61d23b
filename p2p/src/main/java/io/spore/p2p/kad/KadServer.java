package io.spore.p2p.kad;

import com.google.protobuf.ByteString;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.proto.KadProto;
import io.spore.p2p.proto.KadProto.Message;

import java.util.Arrays;
import java.util.List;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Answers inbound kad requests from the node's state: routing table, provider store, addresses.
 * Pure logic, no I/O, so the per-stream handler and tests share it.
 */
final class KadServer {
    private final PeerId self;
    private final Supplier<List<Multiaddr>> selfAddresses;
    private final RoutingTable table;
    private final ProviderStore providers;
    private final Function<PeerId, List<Multiaddr>> addresses;
    private final int k;
    private final RecordStore records;

    KadServer(PeerId self, Supplier<List<Multiaddr>> selfAddresses, RoutingTable table, ProviderStore providers,
              Function<PeerId, List<Multiaddr>> addresses, int k) {
        this(self, selfAddresses, table, providers, addresses, k, new RecordStore());
    }

    KadServer(PeerId self, Supplier<List<Multiaddr>> selfAddresses, RoutingTable table, ProviderStore providers,
              Function<PeerId, List<Multiaddr>> addresses, int k, RecordStore records) {
        this.records = records;
        this.self = self;
        this.selfAddresses = selfAddresses;
        this.table = table;
        this.providers = providers;
        this.addresses = addresses;
        this.k = k;
    }

    /** The reply to {@code request} from {@code from}, or null when the type has no reply (ADD_PROVIDER). */
    Message handle(PeerId from, Message request) throws KadException {
        return switch (request.getType()) {
            case FIND_NODE -> findNode(from, request);
            case GET_PROVIDERS -> getProviders(from, request);
            case ADD_PROVIDER -> {
                addProvider(from, request);
                yield null;
            }
            case PING -> Message.newBuilder().setType(Message.MessageType.PING).build();
            case GET_VALUE -> getValue(from, request);
            case PUT_VALUE -> putValue(request);
            case UNRECOGNIZED -> throw new KadException("kad message of unknown type");
        };
    }

    private Message findNode(PeerId from, Message request) throws KadException {
        requireKey(request, KadCodec.MAX_MESSAGE);
        Message.Builder reply = closer(from, request, Message.MessageType.FIND_NODE);
        if (Arrays.equals(request.getKey().toByteArray(), self.bytes())) {
            reply.addCloserPeers(KadCodec.toProto(new PeerAddresses(self, selfAddresses.get())));
        }
        return reply.build();
    }

    private Message getProviders(PeerId from, Message request) throws KadException {
        requireKey(request, KadCodec.MAX_PROVIDER_KEY);
        Message.Builder reply = closer(from, request, Message.MessageType.GET_PROVIDERS);
        for (PeerAddresses p : providers.get(request.getKey().toByteArray(), k)) {
            List<Multiaddr> addrs = p.addresses().isEmpty() ? addresses.apply(p.peer()) : p.addresses();
            if (!addrs.isEmpty()) reply.addProviderPeers(KadCodec.toProto(new PeerAddresses(p.peer(), addrs)));
        }
        return reply.build();
    }

    private Message getValue(PeerId from, Message request) throws KadException {
        requireKey(request, KadCodec.MAX_RECORD_KEY);
        Message.Builder reply = closer(from, request, Message.MessageType.GET_VALUE);
        byte[] value = records.get(request.getKey().toByteArray());
        if (value != null) reply.setRecord(KadProto.Record.newBuilder().setKey(request.getKey()).setValue(ByteString.copyFrom(value)));
        return reply.build();
    }

    /** Stores a checked record; the reply echoes the request, as the spec has it. A refused record ends the stream. */
    private Message putValue(Message request) throws KadException {
        requireKey(request, KadCodec.MAX_RECORD_KEY);
        if (!request.hasRecord() || !request.getRecord().getKey().equals(request.getKey())) {
            throw new KadException("PUT_VALUE without a record for its key");
        }
        records.put(request.getKey().toByteArray(), request.getRecord().getValue().toByteArray());
        return request;
    }

    private void addProvider(PeerId from, Message request) throws KadException {
        requireKey(request, KadCodec.MAX_PROVIDER_KEY);
        byte[] key = request.getKey().toByteArray();
        for (PeerAddresses p : KadCodec.fromProto(request.getProviderPeersList())) {
            // Only the sender may announce itself: anything else would let one peer point others at a victim.
            if (!p.peer().equals(from) || p.addresses().isEmpty()) continue;
            providers.add(key, p.peer(), p.addresses());
        }
    }

    /** A reply of {@code type} carrying the k peers closest to the key, minus the asker and us. */
    private Message.Builder closer(PeerId from, Message request, Message.MessageType type) {
        Message.Builder reply = Message.newBuilder().setType(type).setKey(request.getKey())
                .setClusterLevelRaw(request.getClusterLevelRaw());
        KadKey target = KadKey.of(request.getKey().toByteArray());
        for (PeerId p : table.closest(target, k + 1)) {
            if (p.equals(from) || p.equals(self)) continue;
            if (reply.getCloserPeersCount() >= k) break;
            List<Multiaddr> addrs = addresses.apply(p);
            if (!addrs.isEmpty()) reply.addCloserPeers(KadCodec.toProto(new PeerAddresses(p, addrs)));
        }
        return reply;
    }

    private static void requireKey(Message request, int max) throws KadException {
        ByteString key = request.getKey();
        if (key.isEmpty()) throw new KadException(request.getType() + " without a key");
        if (key.size() > max) throw new KadException(request.getType() + " key of " + key.size() + " bytes exceeds " + max);
    }
}
