package io.spore.nspawn;

/** How a machine reaches the network. */
public enum NetworkMode {
    /** A veth pair on the host bridge, an address from the pool, NAT to the outside. */
    BRIDGE,
    /** The host's own network namespace, shared. */
    HOST
}
