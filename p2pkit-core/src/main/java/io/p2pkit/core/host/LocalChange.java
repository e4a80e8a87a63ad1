package io.p2pkit.core.host;

/**
 * What changed about this node that its peers should hear of (identify push): the protocols it
 * serves or the addresses it listens on. go-libp2p's equivalents are the
 * {@code EvtLocalProtocolsUpdated} and {@code EvtLocalAddressesUpdated} events.
 */
public enum LocalChange {
    /** A protocol handler was added or removed. */
    PROTOCOLS,
    /** The addresses announced changed: a listen address was added, or an observed or confirmed one came or went. */
    ADDRESSES
}
