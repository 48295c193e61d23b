package io.spore.cli.daemon;

import io.spore.p2p.ipns.IpnsException;
import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.ipns.IpnsRecord;
import io.spore.p2p.kad.Dht;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.logging.Logger;

/**
 * The daemon's side of names: resolution of k51... keys (local record store and DHT, highest valid
 * sequence wins), publishing, and republishing our own records before they expire.
 */
final class NameService {
    private static final Logger LOG = Logger.getLogger(NameService.class.getName());
    /** A TTL short enough that resolvers see an update within a minute. */
    private static final Duration NAME_TTL = Duration.ofMinutes(1);

    private final Names names;
    private final Dht dht; // null when the DHT is off
    private final Object publishLock = new Object();

    NameService(Names names, Dht dht) {
        this.names = names;
        this.dht = dht;
    }

    /**
     * The image a key stands for: a bafy... key as it is, a k51... name through its best valid
     * record. Every API call that takes an image key goes through here.
     */
    Cid resolveKey(String key) throws IOException {
        if (!Keys.isName(key)) return Keys.parse(key);
        IpnsName name = Keys.parseName(key);
        IpnsRecord best = required(name);
        try {
            return Keys.parse(best.target().toString());
        } catch (IpnsException | ApiException e) {
            throw new ApiException(422, "the name " + name + " does not point at a Spore image (" + e.getMessage() + "): its publisher must publish an image key");
        }
    }

    private IpnsRecord required(IpnsName name) throws IOException {
        return best(name).orElseThrow(() -> new ApiException(404, "no valid record of the name " + name
                + " was found here or on the DHT: publish it with 'container publish' where its key is, and check that this daemon has peers"));
    }

    /** The record of highest sequence (then latest validity) among ours and the DHT's; kept here when found. */
    Optional<IpnsRecord> best(IpnsName name) throws IOException {
        Instant now = Instant.now();
        IpnsRecord best = names.record(name, now).orElse(null);
        if (dht != null) {
            List<byte[]> found = List.of();
            try {
                found = dht.getValues(name.routingKey(), 16).get(30, TimeUnit.SECONDS);
            } catch (ExecutionException | TimeoutException e) {
                LOG.fine("DHT lookup of " + name + ": " + e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IOException("interrupted while resolving " + name);
            }
            for (byte[] b : found) {
                try {
                    IpnsRecord r = IpnsRecord.validate(name, b, now);
                    if (best == null || r.betterThan(best)) best = r;
                } catch (IpnsException refused) {
                    LOG.fine("record of " + name + " refused: " + refused.getMessage());
                }
            }
        }
        if (best != null) names.store(name, best, now);
        return Optional.ofNullable(best);
    }

    Map<String, Object> create(String label) throws IOException {
        Names.Key k = names.create(label);
        return Map.of("label", k.label(), "name", k.name().toString());
    }

    Map<String, Object> list() throws IOException {
        List<Map<String, Object>> out = new ArrayList<>();
        for (Names.Key k : names.all()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("label", k.label());
            m.put("name", k.name().toString());
            names.record(k.name(), Instant.now()).ifPresent(r -> recordFields(m, r));
            out.add(m);
        }
        return Map.of("names", out);
    }

    Map<String, Object> resolve(String text) throws IOException {
        IpnsName name = Keys.parseName(text);
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name.toString());
        recordFields(m, required(name));
        return m;
    }

    private static void recordFields(Map<String, Object> m, IpnsRecord r) {
        try {
            m.put("key", r.target().toString());
        } catch (IpnsException e) {
            m.put("value", new String(r.value(), StandardCharsets.UTF_8));
        }
        m.put("sequence", r.sequence());
        m.put("validity", r.validity().toString());
    }

    /** The key of {@code label}, or a 404 naming the fix; checked before anything else is done. */
    Names.Key key(String label) throws IOException {
        return names.key(label);
    }

    /** Signs a record of sequence one above the best known pointing at {@code root}, keeps it and puts it on the DHT. */
    Map<String, Object> publish(Names.Key k, Cid root, long lifetimeSeconds) throws IOException {
        IpnsName name = k.name();
        IpnsRecord r;
        synchronized (publishLock) { // two publishes at once must not sign the same sequence
            long seq = best(name).map(x -> x.sequence() + 1).orElse(0L);
            Instant now = Instant.now();
            r = IpnsRecord.create(k.pair(), root, seq, now.plusSeconds(lifetimeSeconds), NAME_TTL);
            names.store(name, r, now);
        }
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("label", k.label());
        m.put("name", name.toString());
        recordFields(m, r);
        m.put("stored", put(name, r));
        return m;
    }

    /** Puts the record on the DHT; waits a little so the answer can say how many peers took it (-1: still going on). */
    private int put(IpnsName name, IpnsRecord r) {
        if (dht == null) return 0;
        try {
            return dht.putValue(name.routingKey(), r.bytes()).get(10, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException e) {
            LOG.fine("putting the record of " + name + ": " + e.getCause());
            return 0;
        }
    }

    /**
     * Our names' records, put on the DHT again (nodes come and go); a record with less than a day
     * left is signed again with the same sequence and a new end of validity, which wins over the old.
     */
    void republish() {
        try {
            Instant now = Instant.now();
            for (Names.Key k : names.all()) {
                var held = names.record(k.name(), now);
                if (held.isEmpty()) continue;
                IpnsRecord r = held.get();
                if (r.validity().isBefore(now.plus(Duration.ofDays(1)))) {
                    r = IpnsRecord.create(k.pair(), r.value(), r.sequence(), now.plus(Duration.ofDays(2)), NAME_TTL);
                    names.store(k.name(), r, now);
                }
                if (dht != null) dht.putValue(k.name().routingKey(), r.bytes()).exceptionally(e -> 0);
            }
        } catch (IOException | RuntimeException e) {
            LOG.warning("republishing names failed: " + e.getMessage());
        }
    }
}
