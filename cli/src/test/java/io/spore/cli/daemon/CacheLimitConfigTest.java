package io.spore.cli.daemon;

import io.spore.cli.UserException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.*;

/** {@code cache-max-bytes} in the config file: plain bytes or K/M/G/T, carried through env and flags. */
class CacheLimitConfigTest {
    @TempDir Path dir;

    DaemonConfig load(String yaml, Map<String, String> env) throws Exception {
        Path f = dir.resolve("config.yaml");
        Files.writeString(f, yaml);
        return ConfigLoader.load(new ConfigLoader.Flags(f, Path.of("/flag"), null, List.of(), List.of()), env);
    }

    @Test
    void sizesAndDefault() throws Exception {
        assertEquals(0, load("mdns: false\n", Map.of()).cacheMaxBytes(), "no limit by default");
        assertEquals(1073741824L, load("cache-max-bytes: 1073741824\n", Map.of()).cacheMaxBytes());
        assertEquals(20L << 30, load("cache-max-bytes: 20G\n", Map.of()).cacheMaxBytes());
        assertEquals(512L << 20, load("cache-max-bytes: 512 MiB\n", Map.of()).cacheMaxBytes());
        assertEquals(3L << 40, load("cache-max-bytes: 3t\n", Map.of()).cacheMaxBytes());
        DaemonConfig c = load("cache-max-bytes: 4K\n", Map.of("SPORE_DATA_DIR", "/env", "SPORE_MDNS", "false"));
        assertEquals(4096, c.cacheMaxBytes(), "environment and flags keep the file's limit");
        assertEquals(Path.of("/flag"), c.dataDir());
        assertEquals(4096L, c.toMap().get("cache-max-bytes"));
        assertTrue(ConfigLoader.toYaml(c).contains("cache-max-bytes: 4096"), ConfigLoader.toYaml(c));
    }

    @Test
    void badSizesAreNamed() {
        for (String bad : new String[]{"lots", "-5", "5X", "99999999999T", "1.5G"}) {
            UserException e = assertThrows(UserException.class, () -> load("cache-max-bytes: " + bad + "\n", Map.of()), bad);
            assertTrue(e.getMessage().contains("cache-max-bytes '" + bad + "' is not a size: write bytes or a number with K, M, G or T"), e.getMessage());
        }
    }
}
