package io.p2pkit.pubsub;

import io.p2pkit.core.identity.PeerId;

import java.util.List;
import java.util.Set;

/**
 * A routing strategy (floodsub, gossipsub) plugged into {@link PubSub}. Every method is called on
 * the pubsub owner thread, one at a time, so implementations keep plain, unsynchronised state.
 * They send through the {@link RouterContext} given to {@link #start}.
 */
public interface Router {
    /** The protocol IDs served, most preferred first. */
    List<String> protocols();

    /** Called once before anything else. */
    void start(RouterContext context);

    /** A peer opened our outbound stream with {@code protocol}. */
    void addPeer(PeerId peer, String protocol);

    /** A peer is gone (disconnected or its stream failed). */
    void removePeer(PeerId peer);

    /** Whether RPCs from {@code peer} are processed at all (v1.1 graylisting). */
    default boolean acceptFrom(PeerId peer) {
        return true;
    }

    /** This node joined {@code topic}. */
    void join(String topic);

    /** This node left {@code topic}. */
    void leave(String topic);

    /** {@code peer} announced a subscription to {@code topic}. */
    default void peerSubscribed(PeerId peer, String topic) {
    }

    /** {@code peer} announced leaving {@code topic}. */
    default void peerUnsubscribed(PeerId peer, String topic) {
    }

    /** Handles the control part of an RPC from {@code peer}. */
    default void handleControl(PeerId peer, ControlMessage control) {
    }

    /**
     * A message from {@code peer} passed the signature checks and is new (first delivery); called
     * before validation, so that v1.2 routers can send IDONTWANT early.
     */
    default void firstSeen(PeerId peer, MessageId id, PubsubMessage message) {
    }

    /** A message from {@code peer} had been seen before. */
    default void duplicate(PeerId peer, MessageId id, PubsubMessage message) {
    }

    /** A message from {@code peer} failed the signature policy, the size cap, or validation. */
    default void rejected(PeerId peer, MessageId id, PubsubMessage message, String reason) {
    }

    /** Validation of a first delivery from {@code peer} ended with IGNORE. */
    default void ignored(PeerId peer, MessageId id, PubsubMessage message) {
    }

    /**
     * Sends an accepted message on.
     *
     * @param source the peer it came from, or null for a local publish
     * @return the peers it was queued for
     */
    Set<PeerId> forward(PeerId source, MessageId id, PubsubMessage message);

    /** Periodic maintenance. */
    void heartbeat();
}
