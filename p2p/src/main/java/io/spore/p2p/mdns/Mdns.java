package io.spore.p2p.mdns;

import io.spore.p2p.host.AddressBook;
import io.spore.p2p.host.Host;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.io.IOException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.DatagramChannel;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * mDNS peer discovery on the local network (libp2p/specs discovery/mdns.md): asks
 * {@code _p2p._udp.local} every interval on 224.0.0.251:5353, answers every such query (its own
 * included) with this node's addresses, and hands every peer it hears of to the address book and
 * the discovery callback. IPv4 only; every multicast-capable interface that is up, or the ones named.
 */
public final class Mdns implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Mdns.class.getName());
    static final InetAddress GROUP = ipv4(224, 0, 0, 251);

    /** A peer heard on the network. */
    public record Discovery(PeerId peer, List<Multiaddr> addresses) {}

    /**
     * @param interval   how often to ask (js-libp2p asks every 10 s)
     * @param port       5353, or another for tests
     * @param interfaces interface names to use; empty for every multicast-capable one that is up
     */
    public record Config(Duration interval, int port, List<String> interfaces) {
        public Config {
            if (interval.isNegative() || interval.isZero()) throw new IllegalArgumentException("mDNS interval must be positive");
            interfaces = List.copyOf(interfaces);
        }

        public static Config defaults() { return new Config(Duration.ofSeconds(10), 5353, List.of()); }
    }

    private final PeerId self;
    private final Supplier<List<Multiaddr>> listenAddresses;
    private final AddressBook addressBook;
    private final Consumer<Discovery> onPeer;
    private final String peerName = randomName(63);
    private final DatagramChannel channel;
    private final List<NetworkInterface> interfaces;
    private final int port;
    private final ScheduledExecutorService timer;
    private final Thread receiver;

    private Mdns(PeerId self, Supplier<List<Multiaddr>> listenAddresses, AddressBook addressBook, Consumer<Discovery> onPeer,
                 Config config, DatagramChannel channel, List<NetworkInterface> interfaces) {
        this.self = self;
        this.listenAddresses = listenAddresses;
        this.addressBook = addressBook;
        this.onPeer = onPeer;
        this.channel = channel;
        this.interfaces = interfaces;
        this.port = config.port();
        this.timer = Executors.newSingleThreadScheduledExecutor(r -> daemon(r, "spore-mdns-query"));
        this.receiver = daemon(this::receiveLoop, "spore-mdns-receive");
    }

    public static Mdns start(Host host, Consumer<Discovery> onPeer) throws IOException {
        return start(host.peerId(), host::listenAddresses, host.addressBook(), onPeer, Config.defaults());
    }

    public static Mdns start(PeerId self, Supplier<List<Multiaddr>> listenAddresses, AddressBook addressBook,
                             Consumer<Discovery> onPeer, Config config) throws IOException {
        List<NetworkInterface> ifaces = interfaces(config.interfaces());
        if (ifaces.isEmpty()) {
            throw new IOException(config.interfaces().isEmpty()
                    ? "no network interface is up with multicast and IPv4: mDNS needs one (or turn mDNS off)"
                    : "none of the interfaces " + config.interfaces() + " is up with multicast and IPv4: name others");
        }
        DatagramChannel ch = DatagramChannel.open(StandardProtocolFamily.INET);
        try {
            ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            ch.bind(new InetSocketAddress(config.port()));
            ch.setOption(StandardSocketOptions.IP_MULTICAST_LOOP, true);
            ch.setOption(StandardSocketOptions.IP_MULTICAST_TTL, 255);
            for (NetworkInterface ni : ifaces) ch.join(GROUP, ni);
        } catch (IOException e) {
            ch.close();
            throw new IOException("cannot listen for mDNS on UDP port " + config.port() + ": " + e.getMessage()
                    + " (another mDNS responder without SO_REUSEADDR may hold it)", e);
        }
        Mdns m = new Mdns(self, listenAddresses, addressBook, onPeer, config, ch, ifaces);
        m.receiver.start();
        long every = config.interval().toMillis();
        m.timer.scheduleAtFixedRate(m::queryNow, 0, every, TimeUnit.MILLISECONDS);
        return m;
    }

    /** The random name this node answers under (63 characters, as js-libp2p uses; the spec asks for < 64). */
    public String peerName() { return peerName; }

    /** Sends a query now, besides the periodic ones. */
    public void queryNow() { send(MdnsCodec.query()); }

    /** The addresses announced: listen addresses with wildcards expanded to the interfaces' IPv4 addresses. */
    List<Multiaddr> announcedAddresses() {
        List<Multiaddr> out = new ArrayList<>();
        for (Multiaddr a : listenAddresses.get()) {
            Multiaddr.Component first = a.components().getFirst();
            boolean wildcard = first.protocol() == io.spore.p2p.multiaddr.Protocol.IP4
                    && java.util.Arrays.equals(first.value(), new byte[4]);
            if (!wildcard) {
                out.add(a.withPeerId(self));
                continue;
            }
            String rest = a.toString().substring(("/ip4/0.0.0.0").length());
            for (NetworkInterface ni : interfaces) {
                for (InetAddress ia : Collections.list(ni.getInetAddresses())) {
                    if (ia instanceof Inet4Address && !ia.isLoopbackAddress()) {
                        out.add(Multiaddr.parse("/ip4/" + ia.getHostAddress() + rest).withPeerId(self));
                    }
                }
            }
        }
        return out;
    }

    private void receiveLoop() {
        ByteBuffer buf = ByteBuffer.allocate(DnsMessage.MAX_PACKET + 1);
        while (channel.isOpen()) {
            try {
                buf.clear();
                channel.receive(buf);
                buf.flip();
                handle(buf.array(), buf.limit());
            } catch (ClosedChannelException e) {
                return;
            } catch (IOException | RuntimeException e) {
                LOG.log(Level.FINE, "mDNS receive failed", e);
            }
        }
    }

    void handle(byte[] packet, int length) {
        DnsMessage m;
        try {
            m = DnsMessage.parse(packet, length);
        } catch (DnsFormatException e) {
            return; // not ours to fix: the LAN carries all sorts of mDNS
        }
        if (MdnsCodec.asksForUs(m)) {
            List<Multiaddr> addrs = announcedAddresses();
            if (!addrs.isEmpty()) send(MdnsCodec.response(peerName, addrs));
            return;
        }
        MdnsCodec.Found f = MdnsCodec.found(m, peerName);
        if (f == null || f.peer().equals(self)) return;
        Duration ttl = Duration.ofSeconds(Math.max(10, Math.min(f.ttlSeconds(), 3600)));
        for (Multiaddr a : f.addresses()) addressBook.add(f.peer(), a, ttl);
        try {
            onPeer.accept(new Discovery(f.peer(), f.addresses()));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "mDNS discovery callback failed", e);
        }
    }

    private synchronized void send(byte[] packet) {
        for (NetworkInterface ni : interfaces) {
            try {
                channel.setOption(StandardSocketOptions.IP_MULTICAST_IF, ni);
                channel.send(ByteBuffer.wrap(packet), new InetSocketAddress(GROUP, port));
            } catch (IOException e) {
                LOG.log(Level.FINE, "mDNS send on " + ni.getName() + " failed", e);
            }
        }
    }

    @Override
    public void close() {
        timer.shutdownNow();
        try {
            channel.close();
        } catch (IOException ignored) {
            // closing is best effort
        }
    }

    private static List<NetworkInterface> interfaces(List<String> names) throws SocketException {
        List<NetworkInterface> out = new ArrayList<>();
        for (NetworkInterface ni : Collections.list(NetworkInterface.getNetworkInterfaces())) {
            if (!names.isEmpty() && !names.contains(ni.getName())) continue;
            if (!ni.isUp() || !ni.supportsMulticast()) continue;
            boolean v4 = Collections.list(ni.getInetAddresses()).stream().anyMatch(a -> a instanceof Inet4Address);
            if (v4) out.add(ni);
        }
        return out;
    }

    static String randomName(int length) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        SecureRandom r = new SecureRandom();
        StringBuilder sb = new StringBuilder(length);
        for (int i = 0; i < length; i++) sb.append(alphabet.charAt(r.nextInt(alphabet.length())));
        return sb.toString();
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static InetAddress ipv4(int a, int b, int c, int d) {
        try {
            return InetAddress.getByAddress(new byte[]{(byte) a, (byte) b, (byte) c, (byte) d});
        } catch (java.net.UnknownHostException e) {
            throw new AssertionError(e);
        }
    }
}
