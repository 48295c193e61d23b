package io.spore.p2p.kad;

import java.time.Duration;

/**
 * Settings of a {@link Dht}. {@link #defaults()} follows the spec (k = 20, alpha = 10, provider
 * records valid 48 h and republished every 22 h); tests shorten the times.
 *
 * @param server         serve {@code /ipfs/kad/1.0.0} (and so enter others' routing tables); a
 *                       client only asks
 * @param paths          disjoint paths per lookup
 * @param maxRequests    requests one lookup may send at most
 */
public record DhtConfig(boolean server, int k, int alpha, int paths, int maxRequests, Duration requestTimeout,
                        Duration lookupTimeout, Duration providerValidity, Duration republishInterval) {
    public DhtConfig {
        if (k < 1 || alpha < 1 || paths < 1 || maxRequests < 1) throw new IllegalArgumentException("k, alpha, paths and maxRequests must be positive");
        if (requestTimeout.isNegative() || requestTimeout.isZero() || lookupTimeout.isNegative() || lookupTimeout.isZero())
            throw new IllegalArgumentException("DHT timeouts must be positive");
    }

    public static DhtConfig defaults() {
        return new DhtConfig(true, 20, 10, 3, 200, Duration.ofSeconds(10), Duration.ofSeconds(60),
                Duration.ofHours(48), Duration.ofHours(22));
    }

    public DhtConfig withServer(boolean server) {
        return new DhtConfig(server, k, alpha, paths, maxRequests, requestTimeout, lookupTimeout, providerValidity, republishInterval);
    }

    public DhtConfig withTimeouts(Duration request, Duration lookup) {
        return new DhtConfig(server, k, alpha, paths, maxRequests, request, lookup, providerValidity, republishInterval);
    }

    public DhtConfig withRepublishInterval(Duration interval) {
        return new DhtConfig(server, k, alpha, paths, maxRequests, requestTimeout, lookupTimeout, providerValidity, interval);
    }
}
