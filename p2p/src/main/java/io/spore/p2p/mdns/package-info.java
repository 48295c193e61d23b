/**
 * mDNS peer discovery (libp2p/specs discovery/mdns.md): {@link io.spore.p2p.mdns.Mdns}. The DNS
 * codec ({@code DnsMessage}) is our own, small and bounded; responses put the TXT records in the
 * answer section as js-libp2p and go-libp2p do, and both sections are read.
 */
package io.spore.p2p.mdns;
