package io.spore.p2p.bitswap;

import com.google.protobuf.ByteString;
import com.google.protobuf.CodedInputStream;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.UnsafeByteOperations;
import io.spore.p2p.multiformats.Cid;
import io.spore.p2p.multiformats.Multihash;
import io.spore.p2p.multiformats.Varint;
import io.spore.p2p.proto.BitswapProto;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Bitswap 1.2.0 messages to and from protobuf (ipfs/specs bitswap-protocol.md). Every limit is
 * checked before anything is allocated for it: a peer cannot make us hold more than one 4 MiB
 * message, a 2 MiB block or {@link #MAX_WANTLIST} wants per message.
 */
public final class BitswapCodec {
    /** Largest message on the wire (spec: 4 MiB). */
    public static final int MAX_MESSAGE = 4 * 1024 * 1024;
    /** Largest block a peer may send us (spec: implementations must handle 2 MiB). */
    public static final int MAX_BLOCK = 2 * 1024 * 1024;
    /** Wants read from one message; Helia sends at most 1024. Extra entries are ignored. */
    public static final int MAX_WANTLIST = 1024;
    /** Presences read from one message; extra entries are ignored. */
    static final int MAX_PRESENCES = 4096;
    /** Room kept for framing and protobuf tags when packing blocks into one message. */
    static final int MESSAGE_OVERHEAD = 64 * 1024;
    /** Messages we send are packed up to this size: Helia reads at most 2 MiB by default (maxIncomingMessageSize). */
    static final int MAX_OUTGOING = 2 * 1024 * 1024;

    private BitswapCodec() {}

    /** Decodes one message (without its length prefix). */
    public static BitswapMessage decode(ByteBuffer frame) throws BitswapException {
        if (frame.remaining() > MAX_MESSAGE) {
            throw new BitswapException("bitswap message of " + frame.remaining() + " bytes is over the 4 MiB limit");
        }
        BitswapProto.Message m;
        try {
            CodedInputStream in = CodedInputStream.newInstance(frame);
            // Blocks' bytes are copied out exactly once below (toByteArray), never into a ByteString first;
            // nothing aliased outlives this method.
            in.enableAliasing(true);
            in.setSizeLimit(MAX_MESSAGE + 16);
            in.setRecursionLimit(8);
            m = BitswapProto.Message.parseFrom(in);
        } catch (InvalidProtocolBufferException e) {
            throw new BitswapException("malformed bitswap message: " + e.getMessage());
        } catch (java.io.IOException e) {
            throw new BitswapException("unreadable bitswap message: " + e.getMessage());
        }
        List<BitswapMessage.Want> wants = new ArrayList<>();
        if (m.hasWantlist()) {
            int n = Math.min(m.getWantlist().getEntriesCount(), MAX_WANTLIST);
            for (int i = 0; i < n; i++) {
                BitswapProto.Message.Wantlist.Entry e = m.getWantlist().getEntries(i);
                Cid cid = cid(e.getBlock());
                BitswapMessage.WantType type = switch (e.getWantType()) {
                    case Block -> BitswapMessage.WantType.BLOCK;
                    case Have -> BitswapMessage.WantType.HAVE;
                    case UNRECOGNIZED -> throw new BitswapException("unknown want type " + e.getWantTypeValue());
                };
                wants.add(new BitswapMessage.Want(cid, e.getPriority(), e.getCancel(), type, e.getSendDontHave()));
            }
        }
        List<BitswapMessage.Block> blocks = new ArrayList<>();
        for (BitswapProto.Message.Block b : m.getPayloadList()) {
            byte[] data = checkSize(b.getData()).toByteArray();
            blocks.add(new BitswapMessage.Block(cidOf(b.getPrefix(), data), data));
        }
        for (ByteString b : m.getBlocksList()) { // Bitswap 1.0.0: CIDv0 (dag-pb, sha2-256)
            byte[] data = checkSize(b).toByteArray();
            blocks.add(new BitswapMessage.Block(Cid.decode(Multihash.sha256(data).bytes()), data));
        }
        List<BitswapMessage.Presence> presences = new ArrayList<>();
        int np = Math.min(m.getBlockPresencesCount(), MAX_PRESENCES);
        for (int i = 0; i < np; i++) {
            BitswapProto.Message.BlockPresence p = m.getBlockPresences(i);
            boolean have = switch (p.getType()) {
                case Have -> true;
                case DontHave -> false;
                case UNRECOGNIZED -> throw new BitswapException("unknown block presence type " + p.getTypeValue());
            };
            presences.add(new BitswapMessage.Presence(cid(p.getCid()), have));
        }
        return new BitswapMessage(wants, m.hasWantlist() && m.getWantlist().getFull(), blocks, presences);
    }

    /** Encodes {@code msg} without its length prefix; blocks' bytes are not copied. */
    public static byte[] encode(BitswapMessage msg) {
        BitswapProto.Message.Builder b = BitswapProto.Message.newBuilder();
        if (!msg.wants().isEmpty() || msg.fullWantlist()) {
            BitswapProto.Message.Wantlist.Builder wl = b.getWantlistBuilder().setFull(msg.fullWantlist());
            for (BitswapMessage.Want w : msg.wants()) {
                wl.addEntries(BitswapProto.Message.Wantlist.Entry.newBuilder()
                        .setBlock(UnsafeByteOperations.unsafeWrap(w.cid().bytes()))
                        .setPriority(w.priority())
                        .setCancel(w.cancel())
                        .setWantType(w.type() == BitswapMessage.WantType.HAVE
                                ? BitswapProto.Message.Wantlist.WantType.Have : BitswapProto.Message.Wantlist.WantType.Block)
                        .setSendDontHave(w.sendDontHave()));
            }
        }
        for (BitswapMessage.Block blk : msg.blocks()) {
            b.addPayload(BitswapProto.Message.Block.newBuilder()
                    .setPrefix(UnsafeByteOperations.unsafeWrap(prefix(blk.cid())))
                    .setData(UnsafeByteOperations.unsafeWrap(blk.data())));
        }
        for (BitswapMessage.Presence p : msg.presences()) {
            b.addBlockPresences(BitswapProto.Message.BlockPresence.newBuilder()
                    .setCid(UnsafeByteOperations.unsafeWrap(p.cid().bytes()))
                    .setType(p.have() ? BitswapProto.Message.BlockPresenceType.Have : BitswapProto.Message.BlockPresenceType.DontHave));
        }
        return b.build().toByteArray();
    }

    /** The CID prefix of ipfs/specs: version, codec, multihash code, digest length (js {@code cidToPrefix}). */
    static byte[] prefix(Cid cid) {
        int code = cid.multihash().code();
        int len = cid.multihash().digest().length;
        byte[] out = new byte[4 * Varint.MAX_BYTES];
        int off = Varint.write(cid.version(), out, 0);
        off = Varint.write(cid.codec(), out, off);
        off = Varint.write(code, out, off);
        off = Varint.write(len, out, off);
        return java.util.Arrays.copyOf(out, off);
    }

    /** Rebuilds a block's CID from its prefix by hashing the data. Only sha2-256 can be checked. */
    static Cid cidOf(ByteString prefix, byte[] data) throws BitswapException {
        ByteBuffer p = prefix.asReadOnlyByteBuffer();
        try {
            long version = Varint.read(p);
            long codec = Varint.read(p);
            long mhCode = Varint.read(p);
            long mhLen = Varint.read(p);
            if (p.hasRemaining()) throw new BitswapException("block prefix has trailing bytes");
            if (mhCode != Multihash.SHA2_256 || mhLen != 32) {
                throw new BitswapException("block hashed with multihash 0x" + Long.toHexString(mhCode) + "/" + mhLen
                        + ": only sha2-256 blocks are accepted");
            }
            Multihash mh = Multihash.sha256(data);
            if (version == 0) {
                if (codec != Cid.DAG_PB) throw new BitswapException("CIDv0 block with codec 0x" + Long.toHexString(codec));
                return Cid.decode(mh.bytes());
            }
            if (version != 1) throw new BitswapException("block prefix with CID version " + version);
            if (codec > Integer.MAX_VALUE) throw new BitswapException("block codec out of range");
            return Cid.v1((int) codec, mh);
        } catch (IllegalArgumentException e) {
            throw new BitswapException("malformed block prefix: " + e.getMessage());
        }
    }

    private static ByteString checkSize(ByteString data) throws BitswapException {
        if (data.size() > MAX_BLOCK) throw new BitswapException("block of " + data.size() + " bytes is over the 2 MiB limit");
        return data;
    }

    private static Cid cid(ByteString bytes) throws BitswapException {
        try {
            return Cid.decode(bytes.toByteArray());
        } catch (IllegalArgumentException e) {
            throw new BitswapException("malformed CID in bitswap message: " + e.getMessage());
        }
    }

    /** Bytes a block adds to a message, tags and lengths included (an upper bound). */
    static int encodedSize(BitswapMessage.Block b) {
        return b.data().length + b.cid().bytes().length + 32;
    }
}
