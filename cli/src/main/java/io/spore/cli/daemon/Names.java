package io.spore.cli.daemon;

import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.ipns.IpnsException;
import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.ipns.IpnsRecord;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Name keys and the best known record of each name, in the data directory:
 * {@code names/keys/<label>.key} (a libp2p Ed25519 PrivateKey protobuf, mode 0600) and
 * {@code names/records/<k51...>} (the IpnsEntry bytes). A stored record is checked again on every
 * read, so an expired one is never handed out.
 */
final class Names {
    private static final Pattern LABEL = Pattern.compile("[a-z0-9][a-z0-9._-]{0,62}");

    private final Path keys;
    private final Path records;

    Names(Path dataDir) throws IOException {
        this.keys = dataDir.resolve("names").resolve("keys");
        this.records = dataDir.resolve("names").resolve("records");
        Files.createDirectories(keys, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
        Files.createDirectories(records);
    }

    record Key(String label, KeyPair pair) {
        IpnsName name() { return new IpnsName(pair.peerId()); }
    }

    static String checkLabel(String label) {
        if (label == null || !LABEL.matcher(label).matches()) {
            throw new ApiException(400, "'" + label + "' is not a valid name label: use 1-63 lowercase letters, digits, '.', '_' or '-', starting with a letter or digit");
        }
        return label;
    }

    /** Makes a new Ed25519 name key; refuses to overwrite one (that would lose the name for good). */
    Key create(String label) throws IOException {
        checkLabel(label);
        KeyPair kp = KeyPair.generate();
        Path file = keys.resolve(label + ".key");
        Path tmp = keys.resolve("." + label + ".key.tmp-" + ProcessHandle.current().pid());
        Files.deleteIfExists(tmp);
        Files.createFile(tmp, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
        try {
            Files.write(tmp, kp.privateKeyProtobuf());
            try (var ch = java.nio.channels.FileChannel.open(tmp, java.nio.file.StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            Files.createLink(file, tmp);
        } catch (FileAlreadyExistsException e) {
            throw new ApiException(409, "a name labelled '" + label + "' exists already (" + key(label).name()
                    + "): publish with it, or pick another label");
        } finally {
            Files.deleteIfExists(tmp);
        }
        return new Key(label, kp);
    }

    Key key(String label) throws IOException {
        checkLabel(label);
        byte[] b;
        try {
            b = Files.readAllBytes(keys.resolve(label + ".key"));
        } catch (NoSuchFileException e) {
            throw new ApiException(404, "there is no name labelled '" + label + "': create it with 'container name create " + label + "'");
        }
        try {
            return new Key(label, KeyPair.fromPrivateKeyProtobuf(b));
        } catch (IllegalArgumentException e) {
            throw new IOException("the name key " + keys.resolve(label + ".key") + " is damaged (" + e.getMessage() + "): restore it from a backup");
        }
    }

    List<Key> all() throws IOException {
        List<Key> out = new ArrayList<>();
        try (Stream<Path> s = Files.list(keys)) {
            for (Path p : s.sorted().toList()) {
                String f = p.getFileName().toString();
                if (f.startsWith(".") || !f.endsWith(".key")) continue;
                String label = f.substring(0, f.length() - 4);
                if (LABEL.matcher(label).matches()) out.add(key(label));
            }
        }
        return out;
    }

    /** The stored record of {@code name} if it is still valid. */
    Optional<IpnsRecord> record(IpnsName name, Instant now) throws IOException {
        byte[] b;
        try {
            b = Files.readAllBytes(records.resolve(name.toString()));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        }
        try {
            return Optional.of(IpnsRecord.validate(name, b, now));
        } catch (IpnsException e) {
            return Optional.empty();
        }
    }

    /** Keeps {@code r} as the record of {@code name} unless the stored one is better; true when stored. */
    synchronized boolean store(IpnsName name, IpnsRecord r, Instant now) throws IOException {
        Optional<IpnsRecord> held = record(name, now);
        if (held.isPresent() && !r.betterThan(held.get())) return false;
        Path tmp = records.resolve("." + name + ".tmp-" + ProcessHandle.current().pid());
        Files.write(tmp, r.bytes());
        Files.move(tmp, records.resolve(name.toString()), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return true;
    }
}
