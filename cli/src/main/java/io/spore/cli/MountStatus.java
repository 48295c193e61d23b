package io.spore.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.spore.fuse.MountStats;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Figures of a foreground mount, written once a second to {@code <data dir>/mounts/<hash of dir>.json}
 * so that 'container mounts' in another process can show them. (The daemon will serve them from memory.)
 */
final class MountStatus {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private final Path file;

    MountStatus(Path dataDir, Path mountDir) {
        this.file = fileFor(dataDir, mountDir);
    }

    static Path fileFor(Path dataDir, Path mountDir) {
        try {
            byte[] h = MessageDigest.getInstance("SHA-256").digest(mountDir.toString().getBytes(StandardCharsets.UTF_8));
            return dataDir.resolve("mounts").resolve(HexFormat.of().formatHex(h, 0, 12) + ".json");
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    void write(MountStats s) {
        Map<String, Object> m = io.spore.cli.daemon.MountFigures.of(s);
        try {
            Files.createDirectories(file.getParent());
            Path tmp = Files.createTempFile(file.getParent(), ".tmp-", ".json");
            MAPPER.writeValue(tmp.toFile(), m);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            // Figures are a convenience; the mount goes on without them.
        }
    }

    void delete() {
        try {
            Files.deleteIfExists(file);
        } catch (IOException ignored) {
            // a stale file is ignored by 'container mounts' once the mount is gone
        }
    }

    /** The figures last written for {@code mountDir}, or null. */
    @SuppressWarnings("unchecked")
    static Map<String, Object> read(Path dataDir, Path mountDir) {
        Path f = fileFor(dataDir, mountDir);
        try {
            Map<String, Object> m = MAPPER.readValue(f.toFile(), Map.class);
            m.remove("dir");
            m.remove("key");
            return m;
        } catch (IOException e) {
            return null;
        }
    }
}
