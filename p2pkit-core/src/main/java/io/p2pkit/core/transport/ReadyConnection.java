package io.p2pkit.core.transport;

import io.p2pkit.core.upgrader.UpgradedConnection;

/**
 * A transport connection that arrives already secured and multiplexed, as a QUIC connection does
 * (TLS 1.3 and streams are part of QUIC). The network takes {@link #upgraded()} as is and skips
 * the upgrader. Its byte-pipe methods ({@link #in()}, {@link #out()}, {@link #closeWrite()}) are
 * not used: all data travels on the streams of {@link UpgradedConnection#muxed()}.
 */
public interface ReadyConnection extends TransportConnection {
    /** The secured, multiplexed connection; the remote peer is already authenticated. */
    UpgradedConnection upgraded();
}
