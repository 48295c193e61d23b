package io.spore.cli.daemon;

import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.spore.cli.UserException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link DaemonConfig}: defaults, the YAML file ({@code SPORE_CONFIG} or
 * {@code /etc/spore/config.yaml}; a missing default file is fine, a missing named one is not),
 * the environment ({@code SPORE_DATA_DIR}, {@code SPORE_SOCKET}, {@code SPORE_LISTEN},
 * {@code SPORE_BOOTSTRAP} (comma or space separated), {@code SPORE_MDNS}, {@code SPORE_DHT}), then the flags.
 */
public final class ConfigLoader {
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory())
            .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

    private ConfigLoader() {}

    /** Flags given on the command line; null (or empty lists) for flags not given. */
    public record Flags(Path configFile, Path dataDir, Path socket, List<String> listen, List<String> bootstrap) {
        public static final Flags NONE = new Flags(null, null, null, List.of(), List.of());
    }

    public static DaemonConfig load(Flags flags, Map<String, String> env) {
        Path file = flags.configFile() != null ? flags.configFile()
                : env.containsKey("SPORE_CONFIG") ? Path.of(env.get("SPORE_CONFIG")) : null;
        DaemonConfig c = DaemonConfig.defaults();
        c = applyFile(c, file != null ? file : DaemonConfig.DEFAULT_FILE, file != null);
        c = applyEnv(c, env);
        if (flags.dataDir() != null) c = with(c, flags.dataDir(), null, null, null);
        if (flags.socket() != null) c = with(c, null, flags.socket(), null, null);
        if (!flags.listen().isEmpty()) c = with(c, null, null, flags.listen(), null);
        if (!flags.bootstrap().isEmpty()) c = with(c, null, null, null, flags.bootstrap());
        return c;
    }

    /** The YAML file's layout; every key optional, unknown keys refused (a typo should not be silently ignored). */
    static final class FileConfig {
        @JsonProperty("data-dir") String dataDir;
        @JsonProperty("socket") String socket;
        @JsonProperty("listen") List<String> listen;
        @JsonProperty("bootstrap") List<String> bootstrap;
        @JsonProperty("mdns") Boolean mdns;
        @JsonProperty("dht") Boolean dht;
        @JsonProperty("fetch") FetchSection fetch;
        @JsonProperty("cache-max-bytes") String cacheMaxBytes;
        /** Public keys that {@code container boot} puts into root's authorized_keys (the daemon ignores them). */
        @JsonProperty("ssh-keys") List<String> sshKeys;
    }

    static final class FetchSection {
        @JsonProperty("window-per-peer") Integer windowPerPeer;
        @JsonProperty("total-window") Integer totalWindow;
        @JsonProperty("want-timeout-ms") Long wantTimeoutMs;
        @JsonProperty("no-provider-deadline-ms") Long noProviderDeadlineMs;
    }

    static DaemonConfig applyFile(DaemonConfig c, Path file, boolean required) {
        FileConfig f = read(file, required);
        if (f == null) return c;
        c = with(c, f.dataDir == null ? null : Path.of(f.dataDir), f.socket == null ? null : Path.of(f.socket), f.listen, f.bootstrap);
        boolean mdns = f.mdns != null ? f.mdns : c.mdns();
        boolean dht = f.dht != null ? f.dht : c.dht();
        int window = c.windowPerPeer(), total = c.totalWindow();
        Duration timeout = c.wantTimeout(), deadline = c.noProviderDeadline();
        if (f.fetch != null) {
            if (f.fetch.windowPerPeer != null) window = positive(file, "fetch.window-per-peer", f.fetch.windowPerPeer);
            if (f.fetch.totalWindow != null) total = positive(file, "fetch.total-window", f.fetch.totalWindow);
            if (f.fetch.wantTimeoutMs != null) timeout = Duration.ofMillis(positive(file, "fetch.want-timeout-ms", f.fetch.wantTimeoutMs));
            if (f.fetch.noProviderDeadlineMs != null) deadline = Duration.ofMillis(positive(file, "fetch.no-provider-deadline-ms", f.fetch.noProviderDeadlineMs));
        }
        if (total < window) throw new UserException("config file " + file + ": fetch.total-window (" + total
                + ") is less than fetch.window-per-peer (" + window + "): raise total-window");
        long cacheMax = f.cacheMaxBytes == null ? c.cacheMaxBytes() : byteSize(file, f.cacheMaxBytes);
        return new DaemonConfig(c.dataDir(), c.socket(), c.listen(), c.bootstrap(), mdns, dht, window, total, timeout, deadline, cacheMax);
    }

    /** The file's settings; null when it is the default file and does not exist. */
    private static FileConfig read(Path file, boolean required) {
        String text;
        try {
            text = Files.readString(file);
        } catch (NoSuchFileException e) {
            if (required) throw new UserException("config file " + file + " does not exist: create it or unset SPORE_CONFIG");
            return null;
        } catch (IOException e) {
            throw new UserException("cannot read config file " + file + " (" + e.getMessage() + "): check its permissions");
        }
        try {
            return text.isBlank() ? new FileConfig() : YAML.readValue(text, FileConfig.class);
        } catch (JsonProcessingException e) {
            String where = e.getLocation() == null ? "" : " line " + e.getLocation().getLineNr();
            throw new UserException("config file " + file + where + ": " + e.getOriginalMessage().lines().findFirst().orElse("")
                    + ": fix the file (keys: data-dir, socket, listen, bootstrap, mdns, dht, fetch, cache-max-bytes, ssh-keys)");
        }
    }

    /** The {@code ssh-keys} of the config file ({@code SPORE_CONFIG} or the default file): one public key each. */
    public static List<String> sshKeys(Map<String, String> env) {
        Path file = env.containsKey("SPORE_CONFIG") ? Path.of(env.get("SPORE_CONFIG")) : DaemonConfig.DEFAULT_FILE;
        FileConfig f = read(file, env.containsKey("SPORE_CONFIG"));
        if (f == null || f.sshKeys == null) return List.of();
        for (String k : f.sshKeys) {
            String t = k == null ? "" : k.strip();
            if (!(t.startsWith("ssh-") || t.startsWith("ecdsa-") || t.startsWith("sk-")) || t.contains("\n")) {
                throw new UserException("config file " + file + ": ssh-keys entry '" + t + "' is not one public key: write one line such as 'ssh-ed25519 AAAA... you@host' per entry");
            }
        }
        return f.sshKeys.stream().map(String::strip).toList();
    }

    static DaemonConfig applyEnv(DaemonConfig c, Map<String, String> env) {
        c = with(c, env.containsKey("SPORE_DATA_DIR") ? Path.of(env.get("SPORE_DATA_DIR")) : null,
                env.containsKey("SPORE_SOCKET") ? Path.of(env.get("SPORE_SOCKET")) : null,
                env.containsKey("SPORE_LISTEN") ? split(env.get("SPORE_LISTEN")) : null,
                env.containsKey("SPORE_BOOTSTRAP") ? split(env.get("SPORE_BOOTSTRAP")) : null);
        boolean mdns = env.containsKey("SPORE_MDNS") ? bool("SPORE_MDNS", env.get("SPORE_MDNS")) : c.mdns();
        boolean dht = env.containsKey("SPORE_DHT") ? bool("SPORE_DHT", env.get("SPORE_DHT")) : c.dht();
        return new DaemonConfig(c.dataDir(), c.socket(), c.listen(), c.bootstrap(), mdns, dht, c.windowPerPeer(),
                c.totalWindow(), c.wantTimeout(), c.noProviderDeadline(), c.cacheMaxBytes());
    }

    private static DaemonConfig with(DaemonConfig c, Path dataDir, Path socket, List<String> listen, List<String> bootstrap) {
        return new DaemonConfig(dataDir != null ? dataDir : c.dataDir(), socket != null ? socket : c.socket(),
                listen != null ? listen : c.listen(), bootstrap != null ? bootstrap : c.bootstrap(), c.mdns(), c.dht(),
                c.windowPerPeer(), c.totalWindow(), c.wantTimeout(), c.noProviderDeadline(), c.cacheMaxBytes());
    }

    /** {@code 0} (no limit), a number of bytes, or a number with K, M, G or T (powers of 1024). */
    static long byteSize(Path file, String text) {
        String t = text.strip().toUpperCase(java.util.Locale.ROOT).replaceAll("I?B$", "");
        long unit = 1;
        if (!t.isEmpty()) {
            int u = "KMGT".indexOf(t.charAt(t.length() - 1));
            if (u >= 0) {
                unit = 1L << (10 * (u + 1));
                t = t.substring(0, t.length() - 1).strip();
            }
        }
        try {
            long n = Long.parseLong(t);
            if (n < 0) throw new NumberFormatException();
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new UserException("config file " + file + ": cache-max-bytes '" + text + "' is not a size: write bytes or a number with K, M, G or T (0 for no limit)");
        }
    }

    private static List<String> split(String s) {
        return Arrays.stream(s.split("[,\\s]+")).filter(x -> !x.isEmpty()).toList();
    }

    private static boolean bool(String name, String v) {
        return switch (v.strip().toLowerCase()) {
            case "1", "true", "yes", "on" -> true;
            case "0", "false", "no", "off" -> false;
            default -> throw new UserException(name + "=" + v + " is not a boolean: use true or false");
        };
    }

    private static <N extends Number> N positive(Path file, String key, N n) {
        if (n.longValue() < 1) throw new UserException("config file " + file + ": " + key + " must be at least 1, not " + n);
        return n;
    }

    /** The effective config as YAML, for {@code container config show}. */
    public static String toYaml(DaemonConfig c) {
        try {
            return YAML.writeValueAsString(c.toMap());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write config as YAML", e);
        }
    }
}
