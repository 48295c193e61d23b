package io.spore.hostos;

/**
 * One DHCP lease as a server recorded it.
 *
 * @param hostname the name the client sent (option 12), or null when it sent none
 * @param ip       the address leased
 * @param mac      the client's hardware address, lower case, two hex digits per octet
 * @param expiry   when the lease ends, seconds since the epoch (0 when the server did not say)
 */
public record Lease(String hostname, String ip, String mac, long expiry) {}
