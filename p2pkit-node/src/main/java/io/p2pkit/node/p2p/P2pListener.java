package io.p2pkit.node.p2p;

import io.p2pkit.core.multiaddr.Multiaddr;

/**
 * One entry of {@code p2p ls}: a listener ({@code p2p listen}, libp2p streams to a TCP target) or a
 * forwarder ({@code p2p forward}, TCP connections to a peer's libp2p protocol).
 */
public interface P2pListener {
    /** The libp2p protocol it serves or opens. */
    String protocol();

    /** A forwarder's bound TCP address; a listener's {@code /p2p/<this node>}. */
    Multiaddr listenAddress();

    /** A listener's TCP target; a forwarder's {@code /p2p/<peer>}. */
    Multiaddr targetAddress();

    /** The key that must be unique in its registry (Kubo's: the protocol, or the listen address). */
    String key();

    /** Stops taking new connections or streams; streams already mounted go on, as in Kubo. */
    void close();
}
