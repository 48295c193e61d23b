package io.spore.p2p.identify;

import com.code_intelligence.jazzer.junit.FuzzTest;
import com.google.protobuf.InvalidProtocolBufferException;
import io.netty.channel.Channel;
import io.spore.p2p.host.Connection;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.proto.IdentifyProto;

import java.util.concurrent.CompletableFuture;

/** Hostile Identify messages: parsed or refused, bounded, never a crash. */
class IdentifyFuzzTest {
    static final PeerId PEER = KeyPair.generate().peerId();

    /** Just enough of a connection for the reader. */
    static final Connection CONN = new Connection() {
        @Override public PeerId remotePeer() { return PEER; }
        @Override public Multiaddr remoteAddress() { return Multiaddr.parse("/ip4/127.0.0.1/tcp/1"); }
        @Override public boolean isInitiator() { return true; }
        @Override public CompletableFuture<Channel> openStream(String protocol) { throw new UnsupportedOperationException(); }
        @Override public boolean isOpen() { return true; }
        @Override public void close() {}
        @Override public int streamCount() { return 0; }
    };

    @FuzzTest(maxDuration = "10s")
    void message(byte[] data) {
        try {
            var info = IdentifyReader.toPeerInfo(IdentifyProto.Identify.parseFrom(data), CONN);
            if (info != null && info.listenAddresses().size() > IdentifyReader.MAX_ADDRS) throw new AssertionError("unbounded addresses");
        } catch (InvalidProtocolBufferException expected) {
            // refused
        }
    }
}
