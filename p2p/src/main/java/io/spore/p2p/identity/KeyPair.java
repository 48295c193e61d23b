package io.spore.p2p.identity;

import com.google.protobuf.ByteString;
import com.google.protobuf.InvalidProtocolBufferException;
import io.spore.p2p.proto.KeysProto;
import org.bouncycastle.crypto.params.Ed25519PrivateKeyParameters;
import org.bouncycastle.crypto.params.Ed25519PublicKeyParameters;
import org.bouncycastle.crypto.signers.Ed25519Signer;

import java.security.SecureRandom;
import java.util.Arrays;

/**
 * An Ed25519 identity key. BouncyCastle signs about 20x faster than the JDK here
 * (reference/limits.md), and every Noise handshake signs once and verifies once.
 */
public final class KeyPair {
    private final Ed25519PrivateKeyParameters priv;
    private final byte[] publicKey;
    private final byte[] publicKeyProtobuf;
    private final PeerId peerId;

    private KeyPair(Ed25519PrivateKeyParameters priv) {
        this.priv = priv;
        this.publicKey = priv.generatePublicKey().getEncoded();
        this.publicKeyProtobuf = encodePublicKey(publicKey);
        this.peerId = PeerId.fromPublicKey(publicKeyProtobuf);
    }

    public static KeyPair generate() {
        return new KeyPair(new Ed25519PrivateKeyParameters(new SecureRandom()));
    }

    /** From the 32-byte RFC 8032 seed. */
    public static KeyPair fromSeed(byte[] seed) {
        if (seed.length != 32) throw new IllegalArgumentException("Ed25519 seed must be 32 bytes, got " + seed.length);
        return new KeyPair(new Ed25519PrivateKeyParameters(seed, 0));
    }

    /** From a libp2p PrivateKey protobuf (Ed25519; Data is seed||public key, or the bare seed). */
    public static KeyPair fromPrivateKeyProtobuf(byte[] bytes) {
        KeysProto.PrivateKey pk;
        try {
            pk = KeysProto.PrivateKey.parseFrom(bytes);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("not a libp2p private key protobuf: " + e.getMessage(), e);
        }
        if (pk.getType() != KeysProto.KeyType.Ed25519) {
            throw new IllegalArgumentException("unsupported private key type " + pk.getType() + ": Spore uses Ed25519 keys");
        }
        byte[] data = pk.getData().toByteArray();
        if (data.length != 64 && data.length != 32) throw new IllegalArgumentException("Ed25519 private key must be 32 or 64 bytes, got " + data.length);
        KeyPair kp = fromSeed(Arrays.copyOf(data, 32));
        if (data.length == 64 && !Arrays.equals(data, 32, 64, kp.publicKey, 0, 32)) {
            throw new IllegalArgumentException("Ed25519 private key's public half does not match its seed");
        }
        return kp;
    }

    /** The libp2p PrivateKey protobuf: Data = seed || public key, as go and js write it. */
    public byte[] privateKeyProtobuf() {
        byte[] data = new byte[64];
        priv.encode(data, 0);
        System.arraycopy(publicKey, 0, data, 32, 32);
        return KeysProto.PrivateKey.newBuilder().setType(KeysProto.KeyType.Ed25519)
                .setData(ByteString.copyFrom(data)).build().toByteArray();
    }

    public static byte[] encodePublicKey(byte[] ed25519) {
        return KeysProto.PublicKey.newBuilder().setType(KeysProto.KeyType.Ed25519)
                .setData(ByteString.copyFrom(ed25519)).build().toByteArray();
    }

    public byte[] sign(byte[] message) {
        Ed25519Signer s = new Ed25519Signer();
        s.init(true, priv);
        s.update(message, 0, message.length);
        return s.generateSignature();
    }

    /** Verifies {@code signature} of {@code message} by the key in a PublicKey protobuf. False for any other key type. */
    public static boolean verify(byte[] publicKeyProtobuf, byte[] message, byte[] signature) {
        KeysProto.PublicKey pk;
        try {
            pk = KeysProto.PublicKey.parseFrom(publicKeyProtobuf);
        } catch (InvalidProtocolBufferException e) {
            return false;
        }
        if (pk.getType() != KeysProto.KeyType.Ed25519 || pk.getData().size() != 32 || signature.length != 64) return false;
        Ed25519Signer v = new Ed25519Signer();
        v.init(false, new Ed25519PublicKeyParameters(pk.getData().toByteArray(), 0));
        v.update(message, 0, message.length);
        return v.verifySignature(signature);
    }

    /** The raw 32-byte public key. */
    public byte[] publicKey() { return publicKey.clone(); }

    /** The PublicKey protobuf. */
    public byte[] publicKeyProtobuf() { return publicKeyProtobuf.clone(); }

    public PeerId peerId() { return peerId; }
}
