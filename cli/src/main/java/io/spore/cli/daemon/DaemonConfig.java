package io.spore.cli.daemon;

import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The daemon's effective configuration: built-in defaults, then {@code /etc/spore/config.yaml}, then
 * environment variables, then command-line flags, each overriding the one before ({@link ConfigLoader}).
 *
 * @param listen    TCP multiaddrs the libp2p host listens on
 * @param bootstrap multiaddrs (ending in /p2p/ID) dialled at start; asked for every key
 * @param cacheMaxBytes the block store's size limit: unpinned blocks beyond it are evicted, oldest
 *                      first (pinned and mounted images are kept even above it); 0 for no limit
 */
public record DaemonConfig(Path dataDir, Path socket, List<String> listen, List<String> bootstrap, boolean mdns,
                           boolean dht, int windowPerPeer, int totalWindow, Duration wantTimeout,
                           Duration noProviderDeadline, long cacheMaxBytes) {
    public static final Path DEFAULT_FILE = Path.of("/etc/spore/config.yaml");

    public DaemonConfig {
        listen = List.copyOf(listen);
        bootstrap = List.copyOf(bootstrap);
    }

    /** Without a cache size limit. */
    public DaemonConfig(Path dataDir, Path socket, List<String> listen, List<String> bootstrap, boolean mdns,
                        boolean dht, int windowPerPeer, int totalWindow, Duration wantTimeout, Duration noProviderDeadline) {
        this(dataDir, socket, listen, bootstrap, mdns, dht, windowPerPeer, totalWindow, wantTimeout, noProviderDeadline, 0);
    }

    public DaemonConfig withCacheMaxBytes(long bytes) {
        return new DaemonConfig(dataDir, socket, listen, bootstrap, mdns, dht, windowPerPeer, totalWindow, wantTimeout,
                noProviderDeadline, bytes);
    }

    public static DaemonConfig defaults() {
        return new DaemonConfig(Path.of("/var/lib/spore"), Path.of("/run/spore/control.sock"),
                List.of("/ip4/0.0.0.0/tcp/4001"), List.of(), true, true, 256, 1024,
                Duration.ofSeconds(10), Duration.ofSeconds(30));
    }

    /** As the YAML file spells it, for {@code container config show} and {@code GET /v1/config}. */
    public Map<String, Object> toMap() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("data-dir", dataDir.toString());
        m.put("socket", socket.toString());
        m.put("listen", listen);
        m.put("bootstrap", bootstrap);
        m.put("mdns", mdns);
        m.put("dht", dht);
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("window-per-peer", windowPerPeer);
        f.put("total-window", totalWindow);
        f.put("want-timeout-ms", wantTimeout.toMillis());
        f.put("no-provider-deadline-ms", noProviderDeadline.toMillis());
        m.put("fetch", f);
        m.put("cache-max-bytes", cacheMaxBytes);
        return m;
    }
}
