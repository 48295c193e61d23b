package io.spore.cli.daemon;

import io.spore.cli.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

class ConfigLoaderTest {
    @TempDir Path dir;

    @Test
    void fileThenEnvironmentThenFlags() throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, """
                data-dir: /srv/spore
                socket: /srv/spore.sock
                listen: [/ip4/0.0.0.0/tcp/5001]
                bootstrap:
                  - /ip4/10.0.0.1/tcp/4001/p2p/12D3KooWRawPbxPtP1eZaJpumGnyWX2DcUyd3RQnydr3eAto4Az7
                mdns: false
                fetch:
                  window-per-peer: 16
                  want-timeout-ms: 2500
                """);
        DaemonConfig fromFile = ConfigLoader.load(new ConfigLoader.Flags(f, null, null, List.of(), List.of()), Map.of());
        assertEquals(Path.of("/srv/spore"), fromFile.dataDir());
        assertEquals(List.of("/ip4/0.0.0.0/tcp/5001"), fromFile.listen());
        assertEquals(1, fromFile.bootstrap().size());
        assertFalse(fromFile.mdns());
        assertTrue(fromFile.dht());
        assertEquals(16, fromFile.windowPerPeer());
        assertEquals(Duration.ofMillis(2500), fromFile.wantTimeout());

        Map<String, String> env = Map.of("SPORE_CONFIG", f.toString(), "SPORE_DATA_DIR", "/env/dir",
                "SPORE_LISTEN", "/ip4/127.0.0.1/tcp/1, /ip4/127.0.0.1/tcp/2", "SPORE_MDNS", "true");
        DaemonConfig fromEnv = ConfigLoader.load(ConfigLoader.Flags.NONE, env);
        assertEquals(Path.of("/env/dir"), fromEnv.dataDir());
        assertEquals(Path.of("/srv/spore.sock"), fromEnv.socket());
        assertEquals(List.of("/ip4/127.0.0.1/tcp/1", "/ip4/127.0.0.1/tcp/2"), fromEnv.listen());
        assertTrue(fromEnv.mdns());

        DaemonConfig fromFlags = ConfigLoader.load(new ConfigLoader.Flags(null, Path.of("/flag/dir"), null,
                List.of("/ip4/127.0.0.1/tcp/0"), List.of()), env);
        assertEquals(Path.of("/flag/dir"), fromFlags.dataDir());
        assertEquals(List.of("/ip4/127.0.0.1/tcp/0"), fromFlags.listen());

        String yaml = ConfigLoader.toYaml(fromFlags);
        assertTrue(yaml.contains("data-dir: \"/flag/dir\"") || yaml.contains("data-dir: /flag/dir"), yaml);
    }

    @Test
    void mistakesAreNamed() throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, "data-dir: /x\nlisten-on: [a]\n");
        UserException e = assertThrows(UserException.class,
                () -> ConfigLoader.load(new ConfigLoader.Flags(f, null, null, List.of(), List.of()), Map.of()));
        assertTrue(e.getMessage().startsWith("config file " + f + " line 2: "), e.getMessage());
        assertTrue(e.getMessage().contains("listen-on"), e.getMessage());

        Path missing = dir.resolve("nope.yaml");
        e = assertThrows(UserException.class, () -> ConfigLoader.load(ConfigLoader.Flags.NONE, Map.of("SPORE_CONFIG", missing.toString())));
        assertEquals("config file " + missing + " does not exist: create it or unset SPORE_CONFIG", e.getMessage());

        e = assertThrows(UserException.class, () -> ConfigLoader.load(ConfigLoader.Flags.NONE, Map.of("SPORE_DHT", "maybe")));
        assertEquals("SPORE_DHT=maybe is not a boolean: use true or false", e.getMessage());
    }

    @Test
    void sshKeysForBootComeFromTheFileAndTheDaemonAcceptsThem() throws Exception {
        Path f = dir.resolve("keys.yaml");
        Files.writeString(f, "mdns: false\nssh-keys:\n  - ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPq6f7ZJ one@host\n  - \"ecdsa-sha2-nistp256 AAAAE2Vj two@host \"\n");
        assertEquals(List.of("ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPq6f7ZJ one@host", "ecdsa-sha2-nistp256 AAAAE2Vj two@host"),
                ConfigLoader.sshKeys(Map.of("SPORE_CONFIG", f.toString())));
        assertFalse(ConfigLoader.load(ConfigLoader.Flags.NONE, Map.of("SPORE_CONFIG", f.toString())).mdns(), "the daemon reads the same file");

        Files.writeString(f, "ssh-keys: [\"not a key\"]\n");
        UserException e = assertThrows(UserException.class, () -> ConfigLoader.sshKeys(Map.of("SPORE_CONFIG", f.toString())));
        assertEquals("config file " + f + ": ssh-keys entry 'not a key' is not one public key: write one line such as 'ssh-ed25519 AAAA... you@host' per entry",
                e.getMessage());

        Files.writeString(f, "data-dir: /x\n");
        assertEquals(List.of(), ConfigLoader.sshKeys(Map.of("SPORE_CONFIG", f.toString())));
    }
}
