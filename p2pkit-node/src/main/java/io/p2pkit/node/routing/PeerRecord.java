package io.p2pkit.node.routing;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The routing API's Peer schema: {@code {"Schema":"peer","ID":…,"Addrs":[…],"Protocols":[…]}}.
 *
 * @param id        the peer
 * @param addrs     its addresses, possibly none (unknown)
 * @param protocols the transfer protocols it speaks ({@code transport-bitswap}), possibly none (unknown)
 */
record PeerRecord(PeerId id, List<Multiaddr> addrs, List<String> protocols) {
    PeerRecord {
        addrs = List.copyOf(addrs);
        protocols = List.copyOf(protocols);
    }

    PeerRecord withAddrs(List<Multiaddr> kept) {
        return new PeerRecord(id, kept, protocols);
    }

    /** The JSON object. */
    Map<String, Object> json() {
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Addrs", addrs.stream().map(Multiaddr::toString).toList());
        o.put("ID", id.toString());
        o.put("Protocols", protocols);
        o.put("Schema", "peer");
        return o;
    }
}
