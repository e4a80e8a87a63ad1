package io.p2pkit.kad;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.kad.query.LookupResult;

import java.util.Optional;

/**
 * What {@link KadDht#findPeer} found.
 *
 * @param peer   the peer with its addresses, if found
 * @param lookup the lookup's cost (empty when a live connection answered)
 */
public record FindPeerResult(Optional<PeerInfo> peer, LookupResult lookup) {
}
