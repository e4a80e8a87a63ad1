package io.p2pkit.pubsub;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.Direction;

import java.time.Clock;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** What {@link PubSub} offers its {@link Router}: peer and topic state, and sending. Owner-thread only. */
public interface RouterContext {
    /** This node's peer ID. */
    PeerId localPeer();

    /** The configuration. */
    PubsubConfig config();

    /** The clock. */
    default Clock clock() {
        return config().clock();
    }

    /**
     * When the RPC being handled was read from its stream (clock millis); the current time outside
     * RPC handling. A node behind on its queue must judge a peer's timing by when the peer's data
     * arrived, not by when this node got round to it.
     */
    default long receivedAt() {
        return clock().millis();
    }

    /**
     * The time (clock millis) before which everything this node read from peers has been handled:
     * the current time unless RPCs that were read wait in the node's queue, else when the oldest
     * of them was read. An IWANT promise due after this may still be kept by an RPC already read,
     * so it is not judged yet: a node behind on its queue must not blame peers for its own delay.
     */
    default long handledUntil() {
        return clock().millis();
    }

    /** The randomness source. */
    default Random random() {
        return config().random();
    }

    /** Peers with an open outbound pubsub stream. */
    Set<PeerId> peers();

    /** The protocol {@code peer}'s stream negotiated, if it is a pubsub peer. */
    Optional<String> protocolOf(PeerId peer);

    /** Who opened the connection to {@code peer} (v1.1 outbound quotas), if connected. */
    Optional<Direction> connectionDirection(PeerId peer);

    /** Pubsub peers that announced a subscription to {@code topic}: a read-only live view, not to be kept across calls. */
    Set<PeerId> topicPeers(String topic);

    /** Whether this node has joined {@code topic}. */
    boolean joined(String topic);

    /** The topics this node has joined. */
    Set<String> joinedTopics();

    /** Whether a message with this ID was seen within the seen-cache TTL. */
    boolean seen(MessageId id);

    /** Queues an RPC in {@code peer}'s priority lane; false if the lane was full and it was dropped. */
    boolean sendControl(PeerId peer, Rpc rpc);

    /** Queues a message in {@code peer}'s dropping lane; false if it was dropped. */
    boolean sendMessage(PeerId peer, PubsubMessage message);

    /** The peer's IP address as a string if it is connected over IP (v1.1 colocation), else empty. */
    Optional<String> remoteIp(PeerId peer);

    /** The signed peer record of {@code peer} from the peer store, in envelope form, if known. */
    Optional<byte[]> signedPeerRecord(PeerId peer);

    /** Connects (in the background) to a peer learned through peer exchange. */
    void connect(PeerId peer, Optional<byte[]> signedPeerRecord);

    /** Closes the connections to {@code peer}. */
    default void disconnect(PeerId peer) {
    }

}
