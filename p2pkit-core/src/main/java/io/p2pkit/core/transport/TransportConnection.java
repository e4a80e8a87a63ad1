package io.p2pkit.core.transport;

import io.p2pkit.core.multiaddr.Multiaddr;

/** A raw connection as a transport made it, with the addresses of both ends. */
public interface TransportConnection extends RawConnection {
    /** The address of this end, for example {@code /ip4/127.0.0.1/tcp/4001}. */
    Multiaddr localAddress();

    /** The address of the remote end, as seen from here. */
    Multiaddr remoteAddress();
}
