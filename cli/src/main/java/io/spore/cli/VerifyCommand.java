package io.spore.cli;

import io.spore.image.Verifier;
import io.spore.p2p.blockstore.BlockStore;
import io.spore.p2p.multiformats.Cid;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "verify", header = "Re-hash every block of an image and list missing or corrupt ones.",
        description = "Prints one line per bad block ('missing CID', 'corrupt CID') or other defect. "
                + "Exit code 0 when every block is present and intact, 1 otherwise.")
final class VerifyCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "KEY", description = "The image's key (bafy...).")
    String key;

    @Override
    public Integer call() throws Exception {
        Cid cid = LocalImages.parseKey(key, dataDir());
        Verifier.Report r;
        try (BlockStore store = LocalImages.openStore(dataDir(), false)) {
            r = Verifier.verify(store, cid);
        }
        if (r.missing().contains(cid)) {
            throw new UserException("image " + cid + " is not in the local store " + dataDir()
                    + ": share it here first, or give the --data-dir that holds it");
        }
        List<String> bad = new ArrayList<>();
        r.missing().forEach(c -> bad.add("missing " + c));
        r.corrupt().forEach(c -> bad.add("corrupt " + c));
        r.problems().forEach(p -> bad.add("problem " + p.replace('\n', ' ')));
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("key", cid.toString());
            m.put("ok", r.ok());
            m.put("blocksChecked", r.blocks());
            m.put("missing", r.missing().stream().map(Cid::toString).toList());
            m.put("corrupt", r.corrupt().stream().map(Cid::toString).toList());
            m.put("problems", r.problems());
            out().println(Json.write(m));
        } else {
            bad.forEach(out()::println);
        }
        if (r.ok()) {
            err().printf("container: %s: all %d blocks present and intact%n", cid, r.blocks());
            return ExitCode.OK;
        }
        err().printf("container: error: %s: %d missing, %d corrupt block%s, %d other problem%s: pull the image again or share the tree again%n",
                cid, r.missing().size(), r.corrupt().size(), r.corrupt().size() == 1 ? "" : "s",
                r.problems().size(), r.problems().size() == 1 ? "" : "s");
        return ExitCode.FAILURE;
    }
}
