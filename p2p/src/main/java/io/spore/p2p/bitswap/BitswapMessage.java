package io.spore.p2p.bitswap;

import io.spore.p2p.multiformats.Cid;

import java.util.List;

/**
 * One Bitswap 1.2.0 message, decoded and checked: every CID parsed, every block hashed to the CID
 * it is filed under (so a block is named by what it is, never by what the sender claims).
 */
public record BitswapMessage(List<Want> wants, boolean fullWantlist, List<Block> blocks, List<Presence> presences) {
    public BitswapMessage {
        wants = List.copyOf(wants);
        blocks = List.copyOf(blocks);
        presences = List.copyOf(presences);
    }

    public static BitswapMessage ofWants(List<Want> wants) { return new BitswapMessage(wants, false, List.of(), List.of()); }

    public boolean isEmpty() { return wants.isEmpty() && blocks.isEmpty() && presences.isEmpty() && !fullWantlist; }

    public enum WantType { BLOCK, HAVE }

    public record Want(Cid cid, int priority, boolean cancel, WantType type, boolean sendDontHave) {
        public static Want block(Cid cid, int priority) { return new Want(cid, priority, false, WantType.BLOCK, true); }

        public static Want have(Cid cid, int priority) { return new Want(cid, priority, false, WantType.HAVE, true); }

        public static Want cancel(Cid cid) { return new Want(cid, 0, true, WantType.BLOCK, false); }
    }

    /** A block; {@code cid} was computed from {@code data} (on receipt) or is the name it is stored under (to send). */
    public record Block(Cid cid, byte[] data) {}

    public record Presence(Cid cid, boolean have) {}
}
