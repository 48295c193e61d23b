package io.spore.p2p.mdns;

/** A DNS packet that cannot be read (truncated, oversized, looping names). */
final class DnsFormatException extends Exception {
    DnsFormatException(String message) { super(message); }
}
