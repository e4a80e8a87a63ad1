package io.p2pkit.kad;

import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.identity.PeerId;

import java.io.IOException;
import java.util.List;

/**
 * What a lookup does, request by request (go-libp2p's routing query events, which Kubo streams):
 * called on the lookup's request threads, several at once, so an implementation must be
 * thread-safe and quick.
 */
public interface LookupEvents {
    /** Sees nothing. */
    LookupEvents NONE = new LookupEvents() {
    };

    /** A request to {@code peer} is about to be sent. */
    default void querying(PeerId peer) {
    }

    /** {@code peer} answered, naming {@code closer} peers (this node left out) with the addresses it gave. */
    default void answered(PeerId peer, List<PeerInfo> closer) {
    }

    /** The request to {@code peer} failed. */
    default void failed(PeerId peer, IOException error) {
    }
}
