package io.spore.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.spore.p2p.identity.IdentityFile;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code container peer id}: the peer id from {@code <data-dir>/identity.key}, made if missing. */
@Command(name = "id", header = "Print this node's peer id (both forms) and listen addresses.",
        description = {"Reads <data-dir>/identity.key, creating it (mode 0600) if it does not exist yet.",
                "Listen addresses are those of the daemon's configuration file, when it gives any."})
final class PeerIdCommand extends BaseCommand {
    @Option(names = "--config", paramLabel = "FILE", description = "Daemon configuration to read listen addresses from (default: ${DEFAULT-VALUE}).",
            defaultValue = "/etc/spore/config.yaml")
    Path config;

    @Override
    public Integer call() {
        KeyPair key;
        try {
            key = IdentityFile.loadOrCreate(dataDir());
        } catch (IOException e) {
            throw new UserException("cannot read or create " + dataDir().resolve(IdentityFile.NAME) + ": " + e.getMessage()
                    + (e instanceof java.nio.file.AccessDeniedException ? ": run as root or give --data-dir" : ""), e);
        }
        List<Multiaddr> listen = listenAddresses();
        if (json()) {
            ObjectNode o = new ObjectMapper().createObjectNode();
            o.put("peerId", key.peerId().toString());
            o.put("cid", key.peerId().toCidString());
            ArrayNode a = o.putArray("listen");
            for (Multiaddr m : listen) a.add(m.withPeerId(key.peerId()).toString());
            out().println(o);
        } else {
            out().println("peer id: " + key.peerId());
            out().println("cid:     " + key.peerId().toCidString());
            for (Multiaddr m : listen) out().println("listen:  " + m.withPeerId(key.peerId()));
        }
        return ExitCode.OK;
    }

    /** The {@code listen} list of the configuration file, if it exists and has one. */
    private List<Multiaddr> listenAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        if (config == null || !Files.isRegularFile(config)) return out;
        JsonNode root;
        try {
            root = new ObjectMapper(new YAMLFactory()).readTree(config.toFile());
        } catch (IOException e) {
            throw new UserException(config + " is not valid YAML: " + e.getMessage().lines().findFirst().orElse("") + ": fix it or give --config");
        }
        if (root == null) return out;
        for (JsonNode n : root.path("listen")) {
            try {
                out.add(Multiaddr.parse(n.asText()));
            } catch (IllegalArgumentException e) {
                throw new UserException(config + ": bad listen address: " + e.getMessage());
            }
        }
        return out;
    }
}
