package io.spore.p2p.mdns;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The part of a DNS message (RFC 1035, with RFC 6762's mDNS rules) that libp2p mDNS discovery
 * uses: questions, and PTR and TXT records; records of other types are kept with empty data.
 * Names are dotted, without the trailing dot.
 *
 * <p>{@link #parse} reads untrusted packets and is bounded: packet size, record counts, name
 * length, and compression pointers (each must point backwards, so no loops).
 */
record DnsMessage(int id, int flags, List<Question> questions, List<Record> answers, List<Record> additionals) {
    static final int TYPE_A = 1;
    static final int TYPE_PTR = 12;
    static final int TYPE_TXT = 16;
    static final int TYPE_AAAA = 28;
    static final int TYPE_ANY = 255;
    static final int CLASS_IN = 1;
    /** The top bit of a question's class asks for a unicast reply; of a record's, flushes caches. */
    static final int CLASS_MASK = 0x7fff;
    static final int FLAG_RESPONSE = 0x8400; // QR + AA, as RFC 6762 responses carry
    /** mDNS packets are at most 9000 bytes (RFC 6762 section 17). */
    static final int MAX_PACKET = 9000;
    static final int MAX_RECORDS = 256;
    static final int MAX_NAME = 255;

    record Question(String name, int type, int dnsClass) {}

    /**
     * @param target the PTR target (PTR only)
     * @param texts  the character-strings of a TXT record (TXT only)
     */
    record Record(String name, int type, int dnsClass, long ttl, String target, List<byte[]> texts) {
        static Record ptr(String name, long ttl, String target) { return new Record(name, TYPE_PTR, CLASS_IN, ttl, target, List.of()); }

        static Record txt(String name, long ttl, List<byte[]> texts) { return new Record(name, TYPE_TXT, CLASS_IN, ttl, null, texts); }
    }

    DnsMessage {
        questions = List.copyOf(questions);
        answers = List.copyOf(answers);
        additionals = List.copyOf(additionals);
    }

    boolean isResponse() { return (flags & 0x8000) != 0; }

    static DnsMessage query(String name, int type) {
        return new DnsMessage(0, 0, List.of(new Question(name, type, CLASS_IN)), List.of(), List.of());
    }

    // ---- parsing ----

    static DnsMessage parse(byte[] p) throws DnsFormatException {
        return parse(p, p.length);
    }

    static DnsMessage parse(byte[] p, int length) throws DnsFormatException {
        if (length > MAX_PACKET) throw new DnsFormatException("DNS packet of " + length + " bytes exceeds " + MAX_PACKET);
        if (length < 12) throw new DnsFormatException("DNS packet shorter than its header");
        Reader r = new Reader(p, length);
        int id = r.u16(), flags = r.u16(), qd = r.u16(), an = r.u16(), ns = r.u16(), ar = r.u16();
        if (qd + an + ns + ar > MAX_RECORDS) throw new DnsFormatException("DNS packet claims " + (qd + an + ns + ar) + " entries, more than " + MAX_RECORDS);
        List<Question> questions = new ArrayList<>(qd);
        for (int i = 0; i < qd; i++) questions.add(new Question(r.name(), r.u16(), r.u16()));
        List<Record> answers = r.records(an);
        r.records(ns); // authority records (probes) are of no use to discovery
        List<Record> additionals = r.records(ar);
        return new DnsMessage(id, flags, questions, answers, additionals);
    }

    private static final class Reader {
        final byte[] p;
        final int length;
        int pos;

        Reader(byte[] p, int length) {
            this.p = p;
            this.length = length;
        }

        int u8() throws DnsFormatException {
            if (pos >= length) throw new DnsFormatException("DNS packet truncated");
            return p[pos++] & 0xff;
        }

        int u16() throws DnsFormatException { return (u8() << 8) | u8(); }

        long u32() throws DnsFormatException { return ((long) u16() << 16) | u16(); }

        List<Record> records(int n) throws DnsFormatException {
            List<Record> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) out.add(record());
            return out;
        }

        Record record() throws DnsFormatException {
            String name = name();
            int type = u16(), cls = u16();
            long ttl = u32();
            int rdlen = u16();
            int end = pos + rdlen;
            if (end > length) throw new DnsFormatException("DNS record data runs past the packet");
            String target = null;
            List<byte[]> texts = List.of();
            if (type == TYPE_PTR) {
                target = name();
                if (pos > end) throw new DnsFormatException("PTR name runs past its record");
            } else if (type == TYPE_TXT) {
                texts = new ArrayList<>();
                while (pos < end) {
                    int len = u8();
                    if (pos + len > end) throw new DnsFormatException("TXT string runs past its record");
                    byte[] s = new byte[len];
                    System.arraycopy(p, pos, s, 0, len);
                    pos += len;
                    texts.add(s);
                }
            }
            pos = end;
            return new Record(name, type, cls, ttl, target, texts);
        }

        /** A possibly compressed name; every pointer must point before the label that holds it. */
        String name() throws DnsFormatException {
            StringBuilder sb = new StringBuilder();
            int at = pos;
            int resume = -1;
            int limit = at; // pointers must go strictly below this
            while (true) {
                if (at >= length) throw new DnsFormatException("DNS name truncated");
                int len = p[at] & 0xff;
                if ((len & 0xc0) == 0xc0) {
                    if (at + 1 >= length) throw new DnsFormatException("DNS name pointer truncated");
                    int target = ((len & 0x3f) << 8) | (p[at + 1] & 0xff);
                    if (resume < 0) resume = at + 2;
                    if (target >= limit) throw new DnsFormatException("DNS name pointer does not point backwards");
                    limit = target;
                    at = target;
                    continue;
                }
                if ((len & 0xc0) != 0) throw new DnsFormatException("DNS label type 0x" + Integer.toHexString(len & 0xc0) + " is not supported");
                at++;
                if (len == 0) break;
                if (at + len > length) throw new DnsFormatException("DNS label truncated");
                if (!sb.isEmpty()) sb.append('.');
                sb.append(new String(p, at, len, StandardCharsets.UTF_8));
                if (sb.length() > MAX_NAME) throw new DnsFormatException("DNS name longer than " + MAX_NAME);
                at += len;
            }
            pos = resume >= 0 ? resume : at;
            return sb.toString();
        }
    }

    // ---- writing (no compression: our packets are small) ----

    byte[] encode() {
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        u16(out, id);
        u16(out, flags);
        u16(out, questions.size());
        u16(out, answers.size());
        u16(out, 0);
        u16(out, additionals.size());
        for (Question q : questions) {
            name(out, q.name());
            u16(out, q.type());
            u16(out, q.dnsClass());
        }
        for (Record r : answers) record(out, r);
        for (Record r : additionals) record(out, r);
        byte[] b = out.toByteArray();
        if (b.length > MAX_PACKET) throw new IllegalArgumentException("DNS message of " + b.length + " bytes exceeds " + MAX_PACKET);
        return b;
    }

    private static void record(ByteArrayOutputStream out, Record r) {
        name(out, r.name());
        u16(out, r.type());
        u16(out, r.dnsClass());
        u16(out, (int) (r.ttl() >>> 16));
        u16(out, (int) r.ttl());
        ByteArrayOutputStream data = new ByteArrayOutputStream();
        if (r.type() == TYPE_PTR) {
            name(data, r.target());
        } else if (r.type() == TYPE_TXT) {
            for (byte[] s : r.texts()) {
                if (s.length > 255) throw new IllegalArgumentException("TXT string longer than 255 bytes");
                data.write(s.length);
                data.writeBytes(s);
            }
        }
        u16(out, data.size());
        out.writeBytes(data.toByteArray());
    }

    private static void name(ByteArrayOutputStream out, String name) {
        if (name.length() > MAX_NAME) throw new IllegalArgumentException("DNS name longer than " + MAX_NAME);
        if (!name.isEmpty()) {
            for (String label : name.split("\\.")) {
                byte[] b = label.getBytes(StandardCharsets.UTF_8);
                if (b.length == 0 || b.length > 63) throw new IllegalArgumentException("DNS label must be 1 to 63 bytes: '" + label + "'");
                out.write(b.length);
                out.writeBytes(b);
            }
        }
        out.write(0);
    }

    private static void u16(ByteArrayOutputStream out, int v) {
        out.write(v >>> 8);
        out.write(v);
    }
}
