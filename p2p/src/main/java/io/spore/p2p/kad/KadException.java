package io.spore.p2p.kad;

/** A peer broke the Kademlia protocol (malformed or oversized message, refused request). */
final class KadException extends Exception {
    KadException(String message) { super(message); }
}
