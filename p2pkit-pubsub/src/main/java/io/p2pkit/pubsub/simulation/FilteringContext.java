package io.p2pkit.pubsub.simulation;

import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.MessageId;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.RouterContext;
import io.p2pkit.pubsub.Rpc;

import java.util.Optional;
import java.util.Set;
import java.util.function.BooleanSupplier;

/** A RouterContext that drops every outgoing message while {@code silent} says so: the attacker's muzzle. */
final class FilteringContext implements RouterContext {
    private final RouterContext inner;
    private final BooleanSupplier silent;

    FilteringContext(RouterContext inner, BooleanSupplier silent) {
        this.inner = inner;
        this.silent = silent;
    }

    RouterContext inner() {
        return inner;
    }

    @Override
    public PeerId localPeer() {
        return inner.localPeer();
    }

    @Override
    public PubsubConfig config() {
        return inner.config();
    }

    @Override
    public Set<PeerId> peers() {
        return inner.peers();
    }

    @Override
    public Optional<String> protocolOf(PeerId peer) {
        return inner.protocolOf(peer);
    }

    @Override
    public Optional<Direction> connectionDirection(PeerId peer) {
        return inner.connectionDirection(peer);
    }

    @Override
    public Set<PeerId> topicPeers(String topic) {
        return inner.topicPeers(topic);
    }

    @Override
    public boolean joined(String topic) {
        return inner.joined(topic);
    }

    @Override
    public Set<String> joinedTopics() {
        return inner.joinedTopics();
    }

    @Override
    public long receivedAt() {
        return inner.receivedAt();
    }

    @Override
    public boolean seen(MessageId id) {
        return inner.seen(id);
    }

    @Override
    public boolean sendControl(PeerId peer, Rpc rpc) {
        return inner.sendControl(peer, rpc);
    }

    @Override
    public boolean sendMessage(PeerId peer, PubsubMessage message) {
        return !silent.getAsBoolean() && inner.sendMessage(peer, message);
    }

    @Override
    public Optional<String> remoteIp(PeerId peer) {
        return inner.remoteIp(peer);
    }

    @Override
    public Optional<byte[]> signedPeerRecord(PeerId peer) {
        return inner.signedPeerRecord(peer);
    }

    @Override
    public void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {
        inner.connect(peer, signedPeerRecord);
    }
}
