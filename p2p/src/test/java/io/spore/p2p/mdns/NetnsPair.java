package io.spore.p2p.mdns;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Two network namespaces joined by a veth pair (10.77.X.1/24 and 10.77.X.2/24, multicast on),
 * so multicast stays between them and never reaches the machine's network. Names carry a random
 * suffix; {@link #close()} deletes both namespaces (and with them the veth pair).
 */
final class NetnsPair implements AutoCloseable {
    final String a;
    final String b;
    final String ifA;
    final String ifB;
    final String addrA;
    final String addrB;
    private final List<String> created = new ArrayList<>();

    NetnsPair() throws IOException, InterruptedException {
        String sfx = HexFormat.of().formatHex(randomBytes());
        a = "spore-mdns-a-" + sfx;
        b = "spore-mdns-b-" + sfx;
        ifA = "smA" + sfx;
        ifB = "smB" + sfx;
        int net = 1 + ThreadLocalRandom.current().nextInt(250);
        addrA = "10.77." + net + ".1";
        addrB = "10.77." + net + ".2";
        try {
            run("ip", "netns", "add", a);
            created.add(a);
            run("ip", "netns", "add", b);
            created.add(b);
            run("ip", "link", "add", ifA, "netns", a, "type", "veth", "peer", "name", ifB, "netns", b);
            setUp(a, ifA, addrA);
            setUp(b, ifB, addrB);
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
    }

    private static byte[] randomBytes() {
        byte[] r = new byte[3];
        ThreadLocalRandom.current().nextBytes(r);
        return r;
    }

    private static void setUp(String ns, String iface, String addr) throws IOException, InterruptedException {
        run("ip", "-n", ns, "link", "set", "lo", "up");
        run("ip", "-n", ns, "addr", "add", addr + "/24", "dev", iface);
        run("ip", "-n", ns, "link", "set", iface, "multicast", "on", "up");
        // Multicast sends without an explicit interface (as Node's multicast-dns makes them) need a route.
        run("ip", "-n", ns, "route", "add", "224.0.0.0/4", "dev", iface);
    }

    /** The command line that runs {@code command} inside namespace {@code ns}. */
    static List<String> exec(String ns, List<String> command) {
        List<String> c = new ArrayList<>(List.of("ip", "netns", "exec", ns));
        c.addAll(command);
        return c;
    }

    static void run(String... cmd) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
    }

    @Override
    public void close() {
        for (String ns : created.reversed()) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException | InterruptedException e) {
                System.err.println("could not delete network namespace " + ns + ": " + e.getMessage());
            }
        }
        created.clear();
    }
}
