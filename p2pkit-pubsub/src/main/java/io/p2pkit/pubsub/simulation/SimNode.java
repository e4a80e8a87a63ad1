package io.p2pkit.pubsub.simulation;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.ValidationResult;
import io.p2pkit.pubsub.Validator;
import io.p2pkit.pubsub.engine.PeerLink;
import io.p2pkit.pubsub.engine.PubsubEngine;
import io.p2pkit.pubsub.engine.PubsubEnvironment;
import io.p2pkit.pubsub.engine.SendLanes;

import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;

/**
 * One node of a virtual-time simulation: a real {@link PubsubEngine} and router, driven by events
 * instead of an owner thread. Its surroundings are {@link SimNetwork} connections and
 * {@link SimLink} streams; it has a signed peer record (as identify would have spread), so peer
 * exchange can connect to the peers it learns. Validators run at once and their results are
 * handled as the next event, as a real node's validation thread hands them back.
 */
final class SimNode implements PubsubEnvironment {
    private static final System.Logger LOG = LazyLogger.of(SimNode.class);

    private final int index;
    private final PrivateKey key;
    private final PeerId peerId;
    private final byte[] record;
    private final SimNetwork network;
    private final Map<PeerId, SimNetwork.Connection> connections = new LinkedHashMap<>();
    private PubsubEngine engine;
    private long failures;
    private long badFrames;

    SimNode(int index, PrivateKey key, SimNetwork network) {
        this.index = index;
        this.key = key;
        this.peerId = key.publicKey().toPeerId();
        this.network = network;
        this.record = new PeerRecord(peerId, 1, List.of(Multiaddr.parse("/memory/" + (index + 1))))
                .seal(key).marshal();
    }

    /** Starts the node's engine with {@code router}, and its heartbeat at a phase of its own. */
    PubsubEngine start(PubsubConfig config, Router router, long heartbeatPhaseNanos) {
        engine = new PubsubEngine(config, router, this);
        long period = config.heartbeatInterval().toNanos();
        time().every(heartbeatPhaseNanos, period, () -> run(engine::heartbeat));
        return engine;
    }

    int index() {
        return index;
    }

    PeerId peerId() {
        return peerId;
    }

    PubsubEngine engine() {
        return engine;
    }

    VirtualTime time() {
        return network.time();
    }

    SimNetwork network() {
        return network;
    }

    SimNetwork.Connection connection(PeerId peer) {
        return connections.get(peer);
    }

    /** The number of peers this node is connected to. */
    int connectionCount() {
        return connections.size();
    }

    /** The number of connected peers that are in {@code peers}. */
    int connectionsAmong(Set<PeerId> peers) {
        int n = 0;
        for (PeerId p : connections.keySet()) {
            n += peers.contains(p) ? 1 : 0;
        }
        return n;
    }

    /** Engine calls that threw (a real node logs them and goes on); a correct run has none. */
    long failures() {
        return failures;
    }

    /** Frames that did not decode (each resets its stream on a real node). */
    long badFrames() {
        return badFrames;
    }

    /** Runs an engine call as the owner thread would: a failure is counted and logged, the node goes on. */
    void run(Runnable call) {
        try {
            call.run();
        } catch (RuntimeException e) {
            failures++;
            LOG.log(System.Logger.Level.WARNING, "simulated pubsub node " + index + " failed", e);
        }
    }

    // ------------------------------------------------------------------ network events

    void connected(SimNetwork.Connection c) {
        SimNode other = c.other(this);
        connections.put(other.peerId, c);
        run(() -> engine.peerConnected(other.peerId));
    }

    void disconnected(SimNetwork.Connection c) {
        SimNode other = c.other(this);
        if (connections.get(other.peerId) == c) {
            connections.remove(other.peerId);
            run(() -> engine.peerDisconnected(other.peerId));
        }
    }

    /** A frame from {@code from} arrived on {@code c}; frames of a connection that closed are lost. */
    void received(SimNode from, SimNetwork.Connection c, byte[] frame) {
        if (connections.get(from.peerId) != c) {
            return;
        }
        long at = time().millis();
        run(() -> {
            Rpc rpc;
            try {
                rpc = engine.decode(frame);
            } catch (DecodeException e) {
                badFrames++;
                return;
            }
            engine.handleRpc(from.peerId, rpc, at);
        });
    }

    // ------------------------------------------------------------------ PubsubEnvironment

    @Override
    public PrivateKey identity() {
        return key;
    }

    @Override
    public boolean connected(PeerId peer) {
        return connections.containsKey(peer);
    }

    @Override
    public Optional<Direction> connectionDirection(PeerId peer) {
        SimNetwork.Connection c = connections.get(peer);
        return c == null ? Optional.empty() : Optional.of(c.dialer == this ? Direction.OUTBOUND : Direction.INBOUND);
    }

    @Override
    public Optional<String> remoteIp(PeerId peer) {
        SimNode n = network.node(peer);
        // One address per node, 10.0.0.0/8 by index: colocation is computed, and is never a factor.
        return n == null || !connections.containsKey(peer) ? Optional.empty()
                : Optional.of("10." + ((n.index >> 16) & 255) + "." + ((n.index >> 8) & 255) + "." + (n.index & 255));
    }

    @Override
    public Optional<byte[]> signedPeerRecord(PeerId peer) {
        SimNode n = network.node(peer);
        return n == null ? Optional.empty() : Optional.of(n.record);
    }

    @Override
    public void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {
        // As a host does: without a valid record naming the peer there is no address to dial.
        if (signedPeerRecord.isEmpty()) {
            return;
        }
        try {
            PeerRecord pr = PeerRecord.fromEnvelope(Envelope.open(signedPeerRecord.get(), PeerRecord.DOMAIN));
            if (!pr.peerId().equals(peer)) {
                return;
            }
        } catch (RuntimeException e) {
            return;
        }
        SimNode target = network.node(peer);
        if (target != null) {
            network.dial(this, target);
        }
    }

    @Override
    public void disconnect(PeerId peer) {
        SimNode other = network.node(peer);
        if (other != null) {
            network.close(this, other);
        }
    }

    /**
     * Opens our stream: the remote sees it one latency later (and, like a host handling an inbound
     * pubsub stream, makes sure it has its own stream to us); we learn the negotiated protocol a
     * round trip after opening.
     */
    @Override
    public PeerLink openLink(PeerId peer, List<String> protocols) {
        SimNetwork.Connection c = connections.get(peer);
        SimNode other = network.node(peer);
        SimLink link = new SimLink(this, other, c, SendLanes.of(engine.config()));
        long latency = network.latencyNanos(this, other);
        // set by the first event (the remote's answer), read by the second (its arrival here)
        AtomicReference<String> chosen = new AtomicReference<>();
        time().after(latency, () -> {
            if (other.connections.get(peerId) != c) {
                return;
            }
            List<String> theirs = other.engine.router().protocols();
            chosen.set(protocols.stream().filter(theirs::contains).findFirst().orElse(null));
            if (chosen.get() != null) {
                other.run(() -> other.engine.peerConnected(peerId));
            }
        });
        time().after(2 * latency, () -> {
            if (link.isClosed()) {
                return;
            }
            if (connections.get(peer) != c) {
                run(() -> engine.linkEnded(link, new IOException("connection closed")));
            } else if (chosen.get() == null) {
                run(() -> engine.linkEnded(link, new IOException("no common pubsub protocol")));
            } else {
                run(() -> engine.linkOpened(link, chosen.get()));
            }
        });
        return link;
    }

    @Override
    public void validate(Validator validator, PeerId peer, PubsubMessage message, Consumer<ValidationResult> done) {
        ValidationResult r;
        try {
            r = validator.validate(peer, message);
        } catch (RuntimeException e) {
            r = ValidationResult.REJECT;
        }
        ValidationResult result = r;
        time().after(0, () -> run(() -> done.accept(result)));
    }

    @Override
    public String toString() {
        return "SimNode[" + index + " " + peerId + "]";
    }
}
