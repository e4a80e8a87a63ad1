package io.p2pkit.nat.relay;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

/**
 * Who may use a relay (go-libp2p's {@code ACLFilter}). A refusal answers
 * {@link Status#PERMISSION_DENIED}.
 */
public interface RelayAcl {
    /** Whether {@code peer}, connected from {@code address}, may reserve a slot. */
    boolean allowReserve(PeerId peer, Multiaddr address);

    /** Whether {@code source}, connected from {@code sourceAddress}, may connect through the relay to {@code target}. */
    boolean allowConnect(PeerId source, Multiaddr sourceAddress, PeerId target);

    /** Allows everyone everything. */
    static RelayAcl allowAll() {
        return new RelayAcl() {
            @Override
            public boolean allowReserve(PeerId peer, Multiaddr address) {
                return true;
            }

            @Override
            public boolean allowConnect(PeerId source, Multiaddr sourceAddress, PeerId target) {
                return true;
            }
        };
    }
}
