package io.p2pkit.discovery.rendezvous;

import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;

import java.time.Duration;
import java.util.Objects;

/**
 * A peer registered in a namespace at a rendezvous point, as discover returns it: the peer's
 * signed record (verified) and how long the registration has left.
 *
 * @param namespace the namespace
 * @param record    the peer record, its signature checked
 * @param envelope  the signed envelope the record came in (either {@link RecordFormat}), to hand on
 * @param ttl       the registration's remaining lifetime as the point reported it
 */
public record Registration(String namespace, PeerRecord record, Envelope envelope, Duration ttl) {
    /** Checks that no part is null. */
    public Registration {
        Objects.requireNonNull(namespace, "namespace");
        Objects.requireNonNull(record, "record");
        Objects.requireNonNull(envelope, "envelope");
        Objects.requireNonNull(ttl, "ttl");
    }

    /** The registered peer. */
    public PeerId peerId() {
        return record.peerId();
    }
}
