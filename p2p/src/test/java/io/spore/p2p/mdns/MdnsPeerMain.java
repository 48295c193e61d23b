package io.spore.p2p.mdns;

import io.spore.p2p.host.AddressBook;
import io.spore.p2p.identity.KeyPair;
import io.spore.p2p.identity.PeerId;
import io.spore.p2p.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Spore side of the mDNS interop test, run as a child JVM inside a network namespace:
 * announces {@code /ip4/0.0.0.0/tcp/PORT} and prints "id ID", "name PEERNAME", "ready", then
 * "book ID ADDR TTL" for what it puts in the address book and "discovered ID ADDR..." for every
 * answer it hears, until killed.
 */
public final class MdnsPeerMain {
    public static void main(String[] args) throws Exception {
        int tcpPort = Integer.parseInt(args[0]);
        PeerId self = KeyPair.generate().peerId();
        AddressBook book = new AddressBook() {
            @Override public void add(PeerId peer, Multiaddr address, Duration ttl) {
                System.out.println("book " + peer + " " + address + " " + ttl.toSeconds());
            }

            @Override public List<Multiaddr> addresses(PeerId peer) { return List.of(); }
        };
        Mdns mdns = Mdns.start(self, () -> List.of(Multiaddr.parse("/ip4/0.0.0.0/tcp/" + tcpPort)), book,
                d -> System.out.println("discovered " + d.peer() + " "
                        + d.addresses().stream().map(Multiaddr::toString).collect(Collectors.joining(" "))),
                new Mdns.Config(Duration.ofSeconds(1), 5353, List.of()));
        System.out.println("id " + self);
        System.out.println("name " + mdns.peerName());
        System.out.println("ready");
        System.out.flush();
        Thread.sleep(Long.MAX_VALUE);
    }
}
