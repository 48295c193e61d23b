package io.spore.cli.daemon;

import io.spore.cli.UserException;
import io.spore.p2p.ipns.IpnsException;
import io.spore.p2p.ipns.IpnsName;
import io.spore.p2p.ipns.IpnsRecord;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;

/** Names for the commands that work on a data directory without a daemon: the record stored there, checked again. */
public final class LocalNames {
    private LocalNames() {}

    /** The image {@code key} (a k51... name) points at by the valid record in {@code dataDir}. */
    public static Cid resolve(Path dataDir, String key) throws IOException {
        IpnsName name;
        try {
            name = IpnsName.parse(key);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        if (!Files.isDirectory(dataDir.resolve("names"))) {
            throw new UserException("no record of the name " + name + " in " + dataDir + ": run 'container pull " + name + "' (the daemon resolves names on the DHT) or give the bafy... key");
        }
        IpnsRecord r = new Names(dataDir).record(name, Instant.now()).orElseThrow(() -> new UserException("no valid record of the name " + name
                + " in " + dataDir + " (none, or expired): run 'container name resolve " + name + "' with the daemon, or give the bafy... key"));
        try {
            return r.target();
        } catch (IpnsException e) {
            throw new UserException("the name " + name + " does not point at a Spore image (" + e.getMessage() + ")");
        }
    }
}
