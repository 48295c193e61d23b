package io.spore.cli;

import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;

import java.io.IOException;
import java.nio.charset.Charset;
import java.nio.file.Files;
import java.nio.file.Path;

/** What share/export/verify/inspect have in common: keys, the local store, opening an image. */
final class LocalImages {
    private LocalImages() {}

    /** A root key as the user typed it; a name (k51...) by the record stored in {@code dataDir}. */
    static Cid parseKey(String key, Path dataDir) throws IOException {
        if (io.spore.p2p.ipns.IpnsName.looksLikeName(key)) return io.spore.cli.daemon.LocalNames.resolve(dataDir, key);
        Cid cid;
        try {
            cid = Cid.parse(key);
        } catch (RuntimeException e) {
            throw new UserException("'" + key + "' is not a valid key: give the bafy... key that 'container share' printed");
        }
        if (cid.codec() != Cid.DAG_CBOR) {
            throw new UserException("'" + key + "' is not an image key (it names a raw block): give the bafy... key that 'container share' printed");
        }
        return cid;
    }

    static BlockStore openStore(Path dataDir, boolean create) throws IOException {
        if (!create && !Files.isDirectory(dataDir.resolve("blocks"))) {
            throw new UserException("there is no block store in " + dataDir + ": share an image first, or give the right --data-dir");
        }
        if (create) {
            try {
                Files.createDirectories(dataDir);
            } catch (IOException e) {
                throw new UserException("cannot create the data directory " + dataDir + " (" + e.getMessage()
                        + "): give a writable --data-dir");
            }
        }
        return StoreFactory.open(dataDir);
    }

    static Image openImage(BlockStore store, Cid key, Path dataDir) throws IOException {
        try {
            return Image.open(store, key);
        } catch (MissingBlockException e) {
            if (key.equals(e.cid())) {
                throw new UserException("image " + key + " is not in the local store " + dataDir
                        + ": share it here first, or give the --data-dir that holds it");
            }
            throw new UserException("image " + key + " is incomplete in " + dataDir + ": manifest block " + e.cid()
                    + " is missing (run 'container verify " + key + "')");
        }
    }

    /** A path as the bytes the kernel gets (the JVM decodes arguments with sun.jnu.encoding). */
    static byte[] bytes(Path p) {
        String enc = System.getProperty("sun.jnu.encoding");
        Charset cs;
        try {
            cs = enc == null ? Charset.defaultCharset() : Charset.forName(enc);
        } catch (RuntimeException e) {
            cs = Charset.defaultCharset();
        }
        return p.toString().getBytes(cs);
    }

    static String mib(long bytes) {
        return String.format("%.1f MiB", bytes / 1048576.0);
    }
}
