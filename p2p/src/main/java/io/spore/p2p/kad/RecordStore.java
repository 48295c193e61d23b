package io.spore.p2p.kad;

import io.spore.p2p.ipns.IpnsException;
import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.ipns.IpnsRecord;

import java.nio.ByteBuffer;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Values stored by PUT_VALUE (and our own puts). Only the {@code /ipns/} namespace is accepted,
 * each record checked (signature by the name's key, not expired) and kept only while no better
 * record (higher sequence) has been seen for its key, so a replayed or older record never replaces
 * a newer one. Bounded: the least recently stored keys go when {@code maxKeys} keys or
 * {@link #MAX_BYTES} bytes of records would be exceeded, so a peer putting endless valid records
 * (names cost nothing to make) costs memory only up to the bound.
 */
final class RecordStore {
    private final InstantSource clock;
    private final int maxKeys;
    static final long MAX_BYTES = 16L << 20;

    private final Map<ByteBuffer, byte[]> byKey = new LinkedHashMap<>();
    private long bytes;

    RecordStore(InstantSource clock, int maxKeys) {
        this.clock = clock;
        this.maxKeys = maxKeys;
    }

    RecordStore() { this(InstantSource.system(), 10_000); }

    /** The checked record {@code value} stored under {@code key}, or a one-line reason it may not be. */
    IpnsRecord check(byte[] key, byte[] value) throws KadException {
        if (!IpnsName.isRoutingKey(key)) throw new KadException("only /ipns/ records are stored by this node");
        IpnsName name;
        try {
            name = IpnsName.fromRoutingKey(key);
        } catch (RuntimeException e) {
            throw new KadException("the /ipns/ key does not hold a peer id");
        }
        try {
            return IpnsRecord.validate(name, value, clock.instant());
        } catch (IpnsException e) {
            throw new KadException(e.getMessage());
        }
    }

    /** Stores {@code value} under {@code key} unless it is invalid or older than the record held. */
    synchronized void put(byte[] key, byte[] value) throws KadException {
        IpnsRecord rec = check(key, value);
        ByteBuffer k = ByteBuffer.wrap(key.clone());
        IpnsRecord held = current(k);
        if (held != null && !rec.betterThan(held) && !java.util.Arrays.equals(held.bytes(), value)) {
            throw new KadException("record of sequence " + rec.sequence() + " is not newer than the stored sequence " + held.sequence() + ": refused");
        }
        remove(k);
        Iterator<java.util.Map.Entry<ByteBuffer, byte[]>> it = byKey.entrySet().iterator();
        while (it.hasNext() && (byKey.size() >= maxKeys || bytes + value.length > MAX_BYTES)) {
            bytes -= it.next().getValue().length;
            it.remove();
        }
        byKey.put(k, value.clone());
        bytes += value.length;
    }

    private void remove(ByteBuffer k) {
        byte[] old = byKey.remove(k);
        if (old != null) bytes -= old.length;
    }

    /** The record held for {@code key} if it is still valid, else null (an expired one is dropped). */
    synchronized byte[] get(byte[] key) {
        IpnsRecord r = current(ByteBuffer.wrap(key));
        return r == null ? null : r.bytes();
    }

    private IpnsRecord current(ByteBuffer k) {
        byte[] v = byKey.get(k);
        if (v == null) return null;
        try {
            return check(k.array(), v);
        } catch (KadException expired) {
            remove(k);
            return null;
        }
    }

    synchronized int size() { return byKey.size(); }

    synchronized long bytes() { return bytes; }
}
