package io.spore.cli;

import io.spore.cli.daemon.ConfigLoader;
import io.spore.cli.daemon.Daemon;
import io.spore.cli.daemon.DaemonConfig;
import io.spore.p2p.multiaddr.Multiaddr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

@Command(name = "daemon", header = "Run the node: serve and fetch blocks, answer the control socket.",
        description = {"Runs until stopped (SIGTERM/SIGINT). Settings come from /etc/spore/config.yaml (or SPORE_CONFIG), "
                + "then the environment (SPORE_DATA_DIR, SPORE_SOCKET, SPORE_LISTEN, SPORE_BOOTSTRAP, SPORE_MDNS, SPORE_DHT), "
                + "then these flags; 'container config show' prints the result."})
final class DaemonCommand extends BaseCommand {
    @Option(names = "--listen", paramLabel = "MADDR", description = "A TCP multiaddr to listen on (repeatable; default /ip4/0.0.0.0/tcp/4001).")
    List<String> listen = new ArrayList<>();

    @Option(names = "--bootstrap", paramLabel = "MADDR", description = "A peer to connect to at start, /ip4/.../tcp/.../p2p/12D3KooW... (repeatable).")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--config", paramLabel = "FILE", description = "The config file (default /etc/spore/config.yaml; env SPORE_CONFIG).")
    Path config;

    @Override
    public Integer call() throws Exception {
        if (System.getProperty("java.util.logging.SimpleFormatter.format") == null) {
            System.setProperty("java.util.logging.SimpleFormatter.format", "container daemon: %4$s: %5$s%6$s%n");
        }
        DaemonConfig cfg = ConfigLoader.load(flags(spec, config, listen, bootstrap), System.getenv());
        Daemon d = Daemon.start(cfg);
        Thread hook = new Thread(d::close, "spore-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        List<String> addrs = d.addresses().stream().map(Multiaddr::toString).toList();
        if (json()) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("peerId", d.peerId().toString());
            m.put("addresses", addrs);
            m.put("socket", d.socket().toString());
            out().println(Json.write(m).replace("\n", "").replaceAll("\\s{2,}", " "));
        } else {
            out().println(d.peerId());
            for (String a : addrs) out().println(a);
        }
        out().flush();
        err().println("container: daemon " + d.peerId() + " listening on " + String.join(" ", addrs) + "; control socket " + d.socket());
        err().flush();
        d.awaitClose();
        return ExitCode.OK;
    }

    /** The flags the user typed: the global --data-dir/--socket count only when given, so the file and environment can set them. */
    static ConfigLoader.Flags flags(picocli.CommandLine.Model.CommandSpec spec, Path config, List<String> listen, List<String> bootstrap) {
        ContainerCommand root = (ContainerCommand) spec.root().userObject();
        return new ConfigLoader.Flags(config,
                Given.option(spec, "--data-dir") ? root.dataDir : null,
                Given.option(spec, "--socket") ? root.socket : null,
                listen, bootstrap);
    }
}
