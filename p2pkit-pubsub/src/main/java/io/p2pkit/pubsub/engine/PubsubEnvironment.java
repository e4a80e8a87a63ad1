package io.p2pkit.pubsub.engine;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.ValidationResult;
import io.p2pkit.pubsub.Validator;

import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * What a {@link PubsubEngine} needs from around it: the node's identity, its connections, a way to
 * open a peer's outbound stream, and somewhere to run validators. {@link PubSub} supplies one over
 * a {@code Host} and threads; a simulation supplies one over virtual time. Every method is called
 * on the engine's owner thread.
 */
public interface PubsubEnvironment {
    /** This node's key: its peer ID and the signer of its messages. */
    PrivateKey identity();

    /** Whether at least one connection to {@code peer} is open. */
    boolean connected(PeerId peer);

    /** Who opened the connection to {@code peer} (v1.1 outbound quotas), if connected. */
    Optional<Direction> connectionDirection(PeerId peer);

    /** The peer's IP address as a string if it is connected over IP (v1.1 colocation), else empty. */
    Optional<String> remoteIp(PeerId peer);

    /** The signed peer record of {@code peer}, in envelope form, if known. */
    Optional<byte[]> signedPeerRecord(PeerId peer);

    /** Connects (in the background) to a peer learned through peer exchange; a bad record is ignored. */
    void connect(PeerId peer, Optional<byte[]> signedPeerRecord);

    /** Closes the connections to {@code peer}. */
    void disconnect(PeerId peer);

    /**
     * Opens the outbound pubsub stream to {@code peer}, offering {@code protocols} in order, and
     * returns its link at once; later it tells the engine through {@link PubsubEngine#linkOpened}
     * or {@link PubsubEngine#linkEnded} (on the owner thread).
     */
    PeerLink openLink(PeerId peer, List<String> protocols);

    /**
     * Runs {@code validator} on a message from {@code peer} (elsewhere, if it may take time) and
     * hands the result to {@code done} on the owner thread. A validator that throws rejects.
     */
    void validate(Validator validator, PeerId peer, PubsubMessage message, Consumer<ValidationResult> done);
}
