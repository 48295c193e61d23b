package io.spore.p2p.noise;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.spore.p2p.identity.KeyPair;

import java.util.List;

/** Hostile handshake messages (payload included) and transport frames: a NoiseException, never anything else. */
class NoiseFuzzTest {
    static final KeyPair A = KeyPair.generate(), B = KeyPair.generate();
    static final NoiseHandshake.StaticKey SA = NoiseHandshake.StaticKey.generate(A), SB = NoiseHandshake.StaticKey.generate(B);

    @FuzzTest(maxDuration = "10s")
    void handshakeMessages(FuzzedDataProvider data) {
        NoiseHandshake i = new NoiseHandshake(true, A, SA, List.of("/yamux/1.0.0"), null);
        NoiseHandshake r = new NoiseHandshake(false, B, SB, List.of("/yamux/1.0.0"), null);
        try {
            if (data.consumeBoolean()) {
                // A forged message 2 to the initiator.
                i.writeMessage();
                i.readMessage(data.consumeRemainingAsBytes());
            } else {
                // A valid start, then a forged message 3 (encrypted static key and payload) to the responder.
                r.readMessage(i.writeMessage());
                i.readMessage(r.writeMessage());
                r.readMessage(data.consumeRemainingAsBytes());
            }
        } catch (NoiseException expected) {
            // refused
        }
    }

    @FuzzTest(maxDuration = "10s")
    void transportFrames(byte[] data) {
        EmbeddedChannel ch = new EmbeddedChannel(new NoiseDecoder(new CipherState(new byte[32], false)));
        try {
            ch.writeInbound(Unpooled.wrappedBuffer(data));
            ch.finishAndReleaseAll();
        } catch (DecoderException e) {
            if (!(e.getCause() instanceof NoiseException)) throw e;
        }
    }
}
