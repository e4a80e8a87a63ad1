package io.p2pkit.core.identify;

import io.p2pkit.core.crypto.PublicKey;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;

import java.util.List;
import java.util.Optional;

/**
 * What a peer told us about itself over identify, checked: the public key matches the peer the
 * connection authenticated, and the signed peer record (if any) verified.
 *
 * @param connection       the connection identify ran on
 * @param publicKey        the peer's key
 * @param protocolVersion  its protocol version, or empty string if not sent
 * @param agentVersion     its agent version, or empty string if not sent
 * @param listenAddrs      its listen addresses (the certified ones when a signed record came)
 * @param protocols        the protocols it serves
 * @param observedAddr     our address as it sees us, if sent
 * @param signedPeerRecord its verified signed peer record, if sent
 */
public record IdentifyResult(Connection connection, PublicKey publicKey, String protocolVersion, String agentVersion,
                             List<Multiaddr> listenAddrs, List<String> protocols, Optional<Multiaddr> observedAddr,
                             Optional<Envelope> signedPeerRecord) {
    /** The peer identified. */
    public PeerId peerId() {
        return connection.remotePeer();
    }
}
