package io.spore.p2p.mdns;

import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * libp2p mDNS discovery messages (libp2p/specs discovery/mdns.md): a PTR query for
 * {@code _p2p._udp.local}; the answer {@code _p2p._udp.local PTR <peer-name>._p2p._udp.local} with
 * TXT records {@code dnsaddr=<multiaddr>/p2p/<id>} for the peer name.
 */
final class MdnsCodec {
    static final String SERVICE = "_p2p._udp.local";
    static final String DNSADDR = "dnsaddr=";
    static final long TTL_SECONDS = 120;
    static final int MAX_ADDRS = 32;

    /** A peer found in a response. */
    record Found(PeerId peer, List<Multiaddr> addresses, long ttlSeconds) {}

    private MdnsCodec() {}

    static byte[] query() { return DnsMessage.query(SERVICE, DnsMessage.TYPE_PTR).encode(); }

    static boolean asksForUs(DnsMessage m) {
        if (m.isResponse()) return false;
        for (DnsMessage.Question q : m.questions()) {
            if (q.name().equalsIgnoreCase(SERVICE) && (q.type() == DnsMessage.TYPE_PTR || q.type() == DnsMessage.TYPE_ANY)) return true;
        }
        return false;
    }

    /**
     * The response announcing {@code addresses} (each ending in /p2p/ID) under {@code peerName}.
     * The TXT records go in the answer section as js-libp2p and go-libp2p read them there; the
     * spec's additional section is read too.
     */
    static byte[] response(String peerName, List<Multiaddr> addresses) {
        String instance = peerName + "." + SERVICE;
        List<DnsMessage.Record> answers = new ArrayList<>();
        answers.add(DnsMessage.Record.ptr(SERVICE, TTL_SECONDS, instance));
        for (Multiaddr a : addresses) {
            byte[] txt = (DNSADDR + a).getBytes(StandardCharsets.UTF_8);
            if (txt.length > 255) continue; // a TXT string holds 255 bytes at most (RFC 6763 6.1)
            answers.add(DnsMessage.Record.txt(instance, TTL_SECONDS, List.of(txt)));
            if (answers.size() > MAX_ADDRS) break;
        }
        return new DnsMessage(0, DnsMessage.FLAG_RESPONSE, List.of(), answers, List.of()).encode();
    }

    /** The peer announced in {@code m}, or null when it is not a libp2p answer, is ours, or is malformed. */
    static Found found(DnsMessage m, String ownPeerName) {
        if (!m.isResponse()) return null;
        String instance = null;
        long ttl = TTL_SECONDS;
        for (DnsMessage.Record r : m.answers()) {
            if (r.type() == DnsMessage.TYPE_PTR && r.name().equalsIgnoreCase(SERVICE)) {
                instance = r.target();
                ttl = r.ttl();
                break;
            }
        }
        if (instance == null) return null;
        if (instance.toLowerCase(Locale.ROOT).startsWith(ownPeerName.toLowerCase(Locale.ROOT) + ".")) return null;
        PeerId peer = null;
        List<Multiaddr> addrs = new ArrayList<>();
        List<DnsMessage.Record> all = new ArrayList<>(m.answers());
        all.addAll(m.additionals());
        for (DnsMessage.Record r : all) {
            if (r.type() != DnsMessage.TYPE_TXT || !r.name().equalsIgnoreCase(instance)) continue;
            for (byte[] t : r.texts()) {
                String s = new String(t, StandardCharsets.UTF_8);
                if (!s.startsWith(DNSADDR)) continue;
                Multiaddr a;
                try {
                    a = Multiaddr.parse(s.substring(DNSADDR.length()));
                } catch (RuntimeException e) {
                    continue;
                }
                PeerId id = a.peerId();
                if (id == null) continue;
                if (peer == null) peer = id;
                if (!peer.equals(id) || addrs.size() >= MAX_ADDRS) continue;
                Multiaddr bare = a.withoutPeerId();
                if (!addrs.contains(bare)) addrs.add(bare);
            }
        }
        if (peer == null || addrs.isEmpty()) return null;
        return new Found(peer, addrs, ttl);
    }
}
