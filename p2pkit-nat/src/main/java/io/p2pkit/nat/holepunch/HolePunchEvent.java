package io.p2pkit.nat.holepunch;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.Optional;

/**
 * How a direct connection upgrade with a peer ended, told to the listeners of
 * {@link HolePunchService#addListener} (for logs, metrics and tests).
 *
 * @param peer      the remote peer
 * @param role      our part: the initiator (the relayed connection came in to us) or the receiver
 * @param outcome   what happened
 * @param attempts  the hole punching attempts made (0 when a plain direct dial worked)
 * @param direct    the direct connection's remote address, on success
 * @param elapsed   from the relayed connection's opening to the direct one's (on success) or to the end
 * @param detail    why it failed, or how it succeeded, in words
 */
public record HolePunchEvent(PeerId peer, Role role, Outcome outcome, int attempts, Optional<Multiaddr> direct,
                             Duration elapsed, String detail) {
    /** Which side of the protocol this node took. */
    public enum Role {
        /** The peer the relayed connection came in to: it starts DCUtR and retries. */
        INITIATOR,
        /** The peer that dialed through the relay: it answers and dials on SYNC. */
        RECEIVER
    }

    /** How it ended. */
    public enum Outcome {
        /** A plain direct dial of the peer's public addresses worked; no hole punch was needed. */
        DIRECT_DIAL,
        /** Hole punching gave a direct connection. */
        HOLE_PUNCHED,
        /**
         * No direct connection: for the initiator every attempt failed, for the receiver this one
         * attempt did (the initiator may start another). The relayed connection stays.
         */
        FAILED
    }

    /** Whether a direct connection came of it. */
    public boolean succeeded() {
        return outcome != Outcome.FAILED;
    }
}
