package io.p2pkit.core.upgrader;

import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.security.SecureConnection;

/**
 * A connection that went through the upgrader: secured and multiplexed.
 *
 * @param secure   the secured connection (identity of the remote, security protocol)
 * @param muxed    the multiplexed connection over it
 * @param muxer    the muxer protocol ID in use
 * @param earlyMuxer whether the muxer was agreed inside the security handshake (no extra round trip)
 */
public record UpgradedConnection(SecureConnection secure, MuxedConnection muxed, String muxer, boolean earlyMuxer) {
}
