package io.spore.cli;

import io.spore.p2p.host.Connection;
import io.spore.p2p.host.Host;
import io.spore.p2p.host.HostConfig;
import io.spore.p2p.host.Hosts;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.multiaddr.Multiaddr;
import io.spore.p2p.ping.PingService;
import io.spore.p2p.ping.Pinger;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** {@code container peer ping <multiaddr>}: dials a peer and prints round-trip times of /ipfs/ping/1.0.0. */
@Command(name = "ping", header = "Dial a peer and print ping round-trip times.",
        description = "Uses a throw-away identity, so it works whether or not a daemon runs here.")
final class PeerPingCommand extends BaseCommand {
    @Parameters(index = "0", paramLabel = "MULTIADDR", description = "e.g. /ip4/192.0.2.1/tcp/4001/p2p/12D3KooW...")
    String address;

    @Option(names = {"-c", "--count"}, paramLabel = "N", defaultValue = "4", description = "Pings to send (default: ${DEFAULT-VALUE}).")
    int count;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "10", description = "Dial and per-ping timeout (default: ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Override
    public Integer call() throws Exception {
        if (count < 1) throw new UserException("--count must be at least 1");
        if (timeoutSeconds < 1) throw new UserException("--timeout must be at least 1 second");
        Multiaddr target;
        try {
            target = Multiaddr.parse(address);
        } catch (IllegalArgumentException e) {
            throw new UserException(e.getMessage());
        }
        Duration timeout = Duration.ofSeconds(timeoutSeconds);
        HostConfig cfg = HostConfig.defaults(KeyPair.generate()).withListen(List.of()).withDialTimeout(timeout).withIoThreads(1);
        try (Host host = Hosts.start(cfg)) {
            Connection c = await(host.connect(target), timeout, "dialing " + target);
            out().println("PING " + c.remotePeer() + " at " + c.remoteAddress());
            out().flush();
            try (Pinger p = await(PingService.open(c), timeout, "opening a ping stream")) {
                double min = Double.MAX_VALUE, max = 0, sum = 0;
                for (int i = 1; i <= count; i++) {
                    Duration rtt = await(p.ping(), timeout, "ping " + i);
                    double ms = rtt.toNanos() / 1e6;
                    min = Math.min(min, ms);
                    max = Math.max(max, ms);
                    sum += ms;
                    out().printf("seq=%d time=%.3f ms%n", i, ms);
                    out().flush();
                    if (i < count) Thread.sleep(1000);
                }
                out().printf("%d pings: min/avg/max = %.3f/%.3f/%.3f ms%n", count, min, sum / count, max);
            }
        }
        return ExitCode.OK;
    }

    private static <T> T await(java.util.concurrent.CompletableFuture<T> f, Duration timeout, String what) throws InterruptedException {
        try {
            return f.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new UserException(what + " timed out after " + timeout.toSeconds() + " s: check that the peer is up and reachable");
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            throw new UserException(what + " failed: " + (c.getMessage() == null ? c.toString() : c.getMessage()), c);
        }
    }
}
