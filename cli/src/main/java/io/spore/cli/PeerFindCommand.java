package io.spore.cli;

import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.kad.Dht;
import io.spore.p2p.kad.DhtConfig;
import io.spore.p2p.kad.PeerAddresses;
import io.spore.p2p.multiaddr.Multiaddr;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * {@code container peer find <peer-id>}: asks the Kademlia DHT for a peer's addresses. Runs a
 * short-lived dial-only host with a throwaway key and a client-mode DHT, started from the
 * bootstrap peers given (or {@code SPORE_PEERS}).
 */
@Command(name = "find", header = "Find a peer's addresses through the DHT.",
        description = {"Looks PEER-ID up in the Kademlia DHT (/ipfs/kad/1.0.0), starting from the bootstrap peers,",
                "and prints the addresses found, one per line."})
final class PeerFindCommand extends BaseCommand {
    @Parameters(paramLabel = "PEER-ID", description = "The peer to find: 12D3KooW... or bafz...")
    String peer;

    @Option(names = "--bootstrap", paramLabel = "MULTIADDR", split = ",",
            description = "DHT peers to start from, /ip4/.../tcp/PORT/p2p/ID (default: env SPORE_PEERS, comma-separated).")
    List<String> bootstrap = new ArrayList<>();

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "60",
            description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        PeerId target = parsePeer(peer);
        List<Multiaddr> seeds = bootstrapPeers();
        Duration timeout = Duration.ofSeconds(Math.max(1, timeoutSeconds));
        DhtConfig config = DhtConfig.defaults().withServer(false).withTimeouts(Duration.ofSeconds(10), timeout);
        try (Host host = Hosts.start(HostConfig.defaults(KeyPair.generate()).withListen(List.of()).withIoThreads(1));
             Dht dht = Dht.start(host, config)) {
            await(dht.bootstrap(seeds), timeout);
            Optional<PeerAddresses> found = await(dht.findPeer(target), timeout);
            if (found.isEmpty()) {
                throw new UserException("peer " + target + " was not found in the DHT: it may be offline, or unknown to the peers near it; try other --bootstrap peers");
            }
            print(found.get());
            return ExitCode.OK;
        }
    }

    private void print(PeerAddresses found) {
        if (json()) {
            StringBuilder sb = new StringBuilder("{\"peer\":\"").append(found.peer()).append("\",\"addresses\":[");
            for (int i = 0; i < found.addresses().size(); i++) {
                if (i > 0) sb.append(',');
                sb.append('"').append(found.addresses().get(i).withPeerId(found.peer())).append('"');
            }
            out().println(sb.append("]}"));
        } else {
            for (Multiaddr a : found.addresses()) out().println(a.withPeerId(found.peer()));
        }
        out().flush();
    }

    static PeerId parsePeer(String text) {
        try {
            return PeerId.parse(text);
        } catch (RuntimeException e) {
            throw new UserException("'" + text + "' is not a peer id: give one like 12D3KooW... or bafz...");
        }
    }

    private List<Multiaddr> bootstrapPeers() {
        List<String> texts = new ArrayList<>(bootstrap);
        if (texts.isEmpty()) {
            String env = System.getenv("SPORE_PEERS");
            if (env != null) for (String s : env.split("[,\\s]+")) if (!s.isBlank()) texts.add(s);
        }
        if (texts.isEmpty()) {
            throw new UserException("no peers to start the DHT lookup from: give --bootstrap /ip4/ADDR/tcp/PORT/p2p/ID or set SPORE_PEERS");
        }
        List<Multiaddr> out = new ArrayList<>();
        for (String t : texts) {
            Multiaddr m;
            try {
                m = Multiaddr.parse(t);
            } catch (RuntimeException e) {
                throw new UserException("'" + t + "' is not a multiaddr: give one like /ip4/192.0.2.1/tcp/4001/p2p/12D3KooW...");
            }
            if (m.peerId() == null) throw new UserException("bootstrap address " + t + " has no /p2p/ID: append the peer's id");
            out.add(m);
        }
        return out;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f, Duration timeout) throws Exception {
        try {
            return f.get(timeout.toMillis() + 5000, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new UserException("the DHT lookup took longer than " + timeout.toSeconds() + " s: try again or raise --timeout");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof TimeoutException) throw new UserException("the DHT lookup took longer than " + timeout.toSeconds() + " s: try again or raise --timeout");
            throw new UserException(c.getMessage() == null ? c.toString() : c.getMessage(), c);
        }
    }
}
