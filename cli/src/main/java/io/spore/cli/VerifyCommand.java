package io.spore.cli;

import io.spore.image.Chunk;
import io.spore.image.Image;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.blockstore.CorruptBlockException;
import io.spore.p2p.blockstore.MissingBlockException;
import io.spore.p2p.multiformats.Cid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

@Command(name = "verify", header = "Re-hash every block of an image and list missing or corrupt ones.",
        description = "Exit code 0 when every block is present and intact, 1 otherwise.")
final class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The image's key (bafy...).")
    String key;

    @Override
    public Integer call() throws Exception {
        Cid cid = LocalImages.parseKey(key);
        List<String> bad = new ArrayList<>();
        long checked = 0, bytes = 0;
        try (BlockStore store = LocalImages.openStore(dataDir(), false)) {
            Image image;
            try {
                image = Image.open(store, cid);
            } catch (MissingBlockException e) {
                if (cid.equals(e.cid())) throw new UserException("image " + cid + " is not in the local store " + dataDir()
                        + ": share it here first, or give the --data-dir that holds it");
                return report(List.of("missing " + e.cid() + " (manifest)"), 0, 0, true);
            } catch (CorruptBlockException e) {
                return report(List.of("corrupt " + e.cid() + " (manifest)"), 0, 0, true);
            }
            Set<Cid> blocks = new LinkedHashSet<>(image.manifestBlocks());
            for (Chunk c : image.chunks()) blocks.add(c.cid());
            for (Cid b : blocks) {
                try {
                    bytes += store.get(b).length;
                    checked++;
                } catch (MissingBlockException e) {
                    bad.add("missing " + b);
                } catch (CorruptBlockException e) {
                    bad.add("corrupt " + b);
                }
            }
        }
        return report(bad, checked, bytes, false);
    }

    private int report(List<String> bad, long checked, long bytes, boolean manifest) {
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", key);
            m.put("ok", bad.isEmpty());
            m.put("blocksChecked", checked);
            m.put("bytesChecked", bytes);
            m.put("problems", bad);
            out().println(Json.write(m));
        } else {
            bad.forEach(out()::println);
        }
        if (bad.isEmpty()) {
            err().printf("container: %s: all %d blocks present and intact (%s)%n", key, checked, LocalImages.mib(bytes));
            return ExitCode.OK;
        }
        err().printf("container: error: %s: %d block%s missing or corrupt%s: pull the image again or share the tree again%n",
                key, bad.size(), bad.size() == 1 ? "" : "s", manifest ? " in the manifest (the rest could not be listed)" : "");
        return ExitCode.FAILURE;
    }
}
