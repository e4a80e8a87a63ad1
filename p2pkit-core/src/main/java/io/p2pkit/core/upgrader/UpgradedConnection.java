package io.p2pkit.core.upgrader;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.muxer.MuxedConnection;
import io.p2pkit.core.muxer.MuxedStream;
import io.p2pkit.core.security.SecureConnection;
import io.p2pkit.core.transport.ReadyConnection;

import java.io.IOException;

/**
 * A byte stream after the upgrader: its secured connection (identity of the remote, security
 * protocol) and the muxer running over it, with the transport's addresses.
 *
 * @param secure     the secured connection
 * @param muxed      the multiplexed connection over it; it owns {@code secure} and closes it
 * @param muxerProtocol the muxer protocol ID in use
 * @param earlyMuxerNegotiation whether the muxer was agreed inside the security handshake
 */
record UpgradedConnection(SecureConnection secure, MuxedConnection muxed, String muxerProtocol,
                          boolean earlyMuxerNegotiation, Multiaddr localAddress, Multiaddr remoteAddress)
        implements ReadyConnection {
    @Override
    public PeerId localPeer() {
        return secure.localPeer();
    }

    @Override
    public PeerId remotePeer() {
        return secure.remotePeer();
    }

    @Override
    public PublicKey remotePublicKey() {
        return secure.remotePublicKey();
    }

    @Override
    public String securityProtocol() {
        return secure.securityProtocol();
    }

    @Override
    public MuxedStream openStream() throws IOException {
        return muxed.openStream();
    }

    @Override
    public MuxedStream acceptStream() throws IOException {
        return muxed.acceptStream();
    }

    @Override
    public boolean isClosed() {
        return muxed.isClosed();
    }

    @Override
    public void close() throws IOException {
        muxed.close();
    }

    @Override
    public String toString() {
        return "UpgradedConnection[" + remotePeer() + " " + remoteAddress + " " + securityProtocol() + " " + muxerProtocol + "]";
    }
}
