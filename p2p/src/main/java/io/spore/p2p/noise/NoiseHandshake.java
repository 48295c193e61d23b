package io.spore.p2p.noise;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.proto.NoiseProto;
import org.bouncycastle.math.ec.rfc7748.X25519;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;

/**
 * The Noise XX handshake (Noise_XX_25519_ChaChaPoly_SHA256) with the libp2p payload
 * (noise/README.md): no Netty here, only the three messages. X25519 is BouncyCastle's (faster
 * than the JDK's here); the AEAD is the JDK's.
 *
 * <pre>
 *   -> e
 *   <- e, ee, s, es + payload
 *   -> s, se + payload
 * </pre>
 */
final class NoiseHandshake {
    static final String PROTOCOL_NAME = "Noise_XX_25519_ChaChaPoly_SHA256";
    static final byte[] SIG_PREFIX = "noise-libp2p-static-key:".getBytes(StandardCharsets.US_ASCII);
    /** A payload bigger than this is refused; real ones are about 150 bytes. */
    static final int MAX_PAYLOAD = 8192;
    private static final SecureRandom RANDOM = new SecureRandom();

    /** What the remote proved in the handshake. */
    record Result(PeerId remotePeer, byte[] remotePublicKey, List<String> remoteMuxers,
                  CipherState sender, CipherState receiver) {}

    private final boolean initiator;
    private final KeyPair identity;
    private final byte[] staticPriv;
    private final byte[] staticPub;
    private final byte[] signedStatic;
    private final List<String> muxers;
    private final PeerId expectedRemote;
    private final byte[] ePriv = new byte[32];
    private final byte[] ePub = new byte[32];
    private byte[] re;
    private byte[] rs;
    private byte[] h;
    private byte[] ck;
    private byte[] k;
    private long n;
    private int step;
    private PeerId remotePeer;
    private byte[] remotePublicKey;
    private List<String> remoteMuxers = List.of();

    /** A static X25519 key with the identity's signature over it; one per host. */
    record StaticKey(byte[] priv, byte[] pub, byte[] signature) {
        static StaticKey generate(KeyPair identity) {
            byte[] priv = new byte[32], pub = new byte[32];
            X25519.generatePrivateKey(RANDOM, priv);
            X25519.generatePublicKey(priv, 0, pub, 0);
            byte[] msg = Arrays.copyOf(SIG_PREFIX, SIG_PREFIX.length + 32);
            System.arraycopy(pub, 0, msg, SIG_PREFIX.length, 32);
            return new StaticKey(priv, pub, identity.sign(msg));
        }
    }

    NoiseHandshake(boolean initiator, KeyPair identity, StaticKey staticKey, List<String> muxers, PeerId expectedRemote) {
        this.initiator = initiator;
        this.identity = identity;
        this.staticPriv = staticKey.priv;
        this.staticPub = staticKey.pub;
        this.signedStatic = staticKey.signature;
        this.muxers = muxers;
        this.expectedRemote = expectedRemote;
        this.h = PROTOCOL_NAME.getBytes(StandardCharsets.US_ASCII); // exactly 32 bytes: used as is
        this.ck = h.clone();
        mixHash(new byte[0]); // empty prologue
        X25519.generatePrivateKey(RANDOM, ePriv);
        X25519.generatePublicKey(ePriv, 0, ePub, 0);
    }

    boolean isInitiator() { return initiator; }

    /** True when it is this side's turn to write. */
    boolean canWrite() { return step < 3 && (step % 2 == 0) == initiator; }

    boolean isDone() { return step == 3; }

    /** Writes the next handshake message (without the 2-byte length). */
    byte[] writeMessage() {
        if (!canWrite()) throw new IllegalStateException("not this side's turn in the Noise handshake");
        byte[] out;
        switch (step) {
            case 0 -> { // -> e
                mixHash(ePub);
                out = concat(ePub, encryptAndHash(new byte[0]));
            }
            case 1 -> { // <- e, ee, s, es, payload
                mixHash(ePub);
                mixKey(dh(ePriv, re));
                byte[] s = encryptAndHash(staticPub);
                mixKey(dh(staticPriv, re));
                out = concat(ePub, s, encryptAndHash(payload()));
            }
            default -> { // -> s, se, payload
                byte[] s = encryptAndHash(staticPub);
                mixKey(dh(staticPriv, re));
                out = concat(s, encryptAndHash(payload()));
            }
        }
        step++;
        return out;
    }

    /** Reads the peer's next handshake message. */
    void readMessage(byte[] msg) throws NoiseException {
        if (canWrite() || step >= 3) throw new NoiseException("unexpected Noise handshake message");
        switch (step) {
            case 0 -> {
                if (msg.length < 32) throw new NoiseException("Noise message 1 too short");
                re = Arrays.copyOf(msg, 32);
                mixHash(re);
                decryptAndHash(msg, 32, msg.length - 32); // an empty, unencrypted payload
            }
            case 1 -> {
                if (msg.length < 32 + 48 + 16) throw new NoiseException("Noise message 2 too short");
                re = Arrays.copyOf(msg, 32);
                mixHash(re);
                mixKey(dh(ePriv, re));
                rs = decryptAndHash(msg, 32, 48);
                mixKey(dh(ePriv, rs));
                checkPayload(decryptAndHash(msg, 80, msg.length - 80));
            }
            default -> {
                if (msg.length < 48 + 16) throw new NoiseException("Noise message 3 too short");
                rs = decryptAndHash(msg, 0, 48);
                mixKey(dh(ePriv, rs));
                checkPayload(decryptAndHash(msg, 48, msg.length - 48));
            }
        }
        step++;
    }

    /** After the third message: the transport ciphers. */
    Result result() {
        if (!isDone()) throw new IllegalStateException("Noise handshake not finished");
        byte[][] keys = hkdf(ck, new byte[0]);
        CipherState c1s = new CipherState(keys[0], initiator), c2 = new CipherState(keys[1], !initiator);
        return initiator
                ? new Result(remotePeer, remotePublicKey, remoteMuxers, c1s, c2)
                : new Result(remotePeer, remotePublicKey, remoteMuxers, c2, c1s);
    }

    private byte[] payload() {
        NoiseProto.NoiseHandshakePayload.Builder b = NoiseProto.NoiseHandshakePayload.newBuilder()
                .setIdentityKey(ByteString.copyFrom(identity.publicKeyProtobuf()))
                .setIdentitySig(ByteString.copyFrom(signedStatic));
        if (!muxers.isEmpty()) b.setExtensions(NoiseProto.NoiseExtensions.newBuilder().addAllStreamMuxers(muxers));
        return b.build().toByteArray();
    }

    private void checkPayload(byte[] bytes) throws NoiseException {
        if (bytes.length > MAX_PAYLOAD) throw new NoiseException("Noise handshake payload too large");
        NoiseProto.NoiseHandshakePayload p;
        try {
            p = NoiseProto.NoiseHandshakePayload.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new NoiseException("malformed Noise handshake payload: " + e.getMessage());
        }
        byte[] key = p.getIdentityKey().toByteArray();
        byte[] msg = Arrays.copyOf(SIG_PREFIX, SIG_PREFIX.length + 32);
        System.arraycopy(rs, 0, msg, SIG_PREFIX.length, 32);
        if (!KeyPair.verify(key, msg, p.getIdentitySig().toByteArray())) {
            throw new NoiseException("peer's Noise static key is not signed by its identity key (bad signature or unsupported key type)");
        }
        PeerId id = PeerId.fromPublicKey(key);
        if (expectedRemote != null && !expectedRemote.equals(id)) {
            throw new NoiseException("dialed " + expectedRemote + " but the peer is " + id + ": check the /p2p/ part of the address");
        }
        remotePeer = id;
        remotePublicKey = key;
        if (p.hasExtensions()) remoteMuxers = List.copyOf(p.getExtensions().getStreamMuxersList());
    }

    private static byte[] dh(byte[] priv, byte[] pub) {
        byte[] out = new byte[32];
        if (!X25519.calculateAgreement(priv, 0, pub, 0, out, 0)) {
            // An all-zero shared secret means a low-order point: refuse as the specs allow.
            throw new IllegalArgumentException("peer sent a low-order X25519 key");
        }
        return out;
    }

    private void mixHash(byte[] data) {
        MessageDigest md = sha256();
        md.update(h);
        md.update(data);
        h = md.digest();
    }

    private void mixHash(byte[] data, int off, int len) {
        MessageDigest md = sha256();
        md.update(h);
        md.update(data, off, len);
        h = md.digest();
    }

    private void mixKey(byte[] ikm) {
        byte[][] out = hkdf(ck, ikm);
        ck = out[0];
        k = out[1];
        n = 0;
    }

    private byte[] encryptAndHash(byte[] plain) {
        byte[] out;
        if (k == null) {
            out = plain.clone();
        } else {
            out = new byte[plain.length + CipherState.TAG];
            CipherState cs = keyed(true);
            cs.encrypt(h, plain, 0, plain.length, out, 0);
        }
        mixHash(out);
        return out;
    }

    private byte[] decryptAndHash(byte[] in, int off, int len) throws NoiseException {
        byte[] out;
        if (k == null) {
            out = Arrays.copyOfRange(in, off, off + len);
        } else {
            if (len < CipherState.TAG) throw new NoiseException("Noise handshake message truncated");
            out = new byte[len - CipherState.TAG];
            keyed(false).decrypt(h, in, off, len, out, 0);
        }
        mixHash(in, off, len);
        return out;
    }

    /** A cipher at the handshake's current key and nonce; the nonce then advances. */
    private CipherState keyed(boolean encrypt) {
        CipherState cs = new CipherState(k, encrypt);
        cs.skip(n++);
        return cs;
    }

    static byte[][] hkdf(byte[] chainingKey, byte[] ikm) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(chainingKey, "HmacSHA256"));
            byte[] temp = mac.doFinal(ikm);
            mac.init(new SecretKeySpec(temp, "HmacSHA256"));
            byte[] o1 = mac.doFinal(new byte[]{1});
            mac.update(o1);
            byte[] o2 = mac.doFinal(new byte[]{2});
            return new byte[][]{o1, o2};
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("the JDK has no HmacSHA256", e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] concat(byte[]... parts) {
        int len = 0;
        for (byte[] p : parts) len += p.length;
        byte[] out = new byte[len];
        int off = 0;
        for (byte[] p : parts) {
            System.arraycopy(p, 0, out, off, p.length);
            off += p.length;
        }
        return out;
    }
}
