package io.spore.p2p.identity;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;

/** {@code <data-dir>/identity.key}: the libp2p PrivateKey protobuf, mode 0600, made on first use. */
public final class IdentityFile {
    public static final String NAME = "identity.key";
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rw-------");

    private IdentityFile() {}

    /** Loads the key in {@code dataDir}, creating the directory and a new key if there is none. */
    public static KeyPair loadOrCreate(Path dataDir) throws IOException {
        Path file = dataDir.resolve(NAME);
        try {
            return load(file);
        } catch (NoSuchFileException e) {
            // first start
        }
        Files.createDirectories(dataDir);
        KeyPair kp = KeyPair.generate();
        Path tmp = dataDir.resolve(NAME + ".tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
        try {
            Files.write(tmp, kp.privateKeyProtobuf());
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            // Another process may have won the race: keep its key so the peer id never changes.
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException raced) {
            return load(file);
        } catch (UnsupportedOperationException | IOException noLinks) {
            if (Files.exists(file)) return load(file);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            Files.deleteIfExists(tmp);
        }
        return kp;
    }

    static KeyPair load(Path file) throws IOException {
        byte[] bytes = Files.readAllBytes(file);
        try {
            return KeyPair.fromPrivateKeyProtobuf(bytes);
        } catch (IllegalArgumentException e) {
            throw new IOException(file + " is not a libp2p Ed25519 private key (" + e.getMessage()
                    + "): move it away to make a new identity", e);
        }
    }
}
