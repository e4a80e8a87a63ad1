package io.p2pkit.pubsub.engine;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.Direction;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.pubsub.MessageId;
import io.p2pkit.pubsub.MessageSigning;
import io.p2pkit.pubsub.PublishResult;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubListener;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.PubsubStats;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.RouterContext;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.RpcCodec;
import io.p2pkit.pubsub.SignaturePolicy;
import io.p2pkit.pubsub.ValidationResult;
import io.p2pkit.pubsub.Validator;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The pubsub state of one node without threads or I/O: peers and their announced topics, local
 * subscriptions and validators, the seen cache, the receive pipeline (message ID, size cap,
 * signature policy, validation) and the {@link Router}. It is driven by calls (a peer connected,
 * an RPC arrived, a heartbeat is due) made one at a time on one owner thread, and acts through
 * its {@link PubsubEnvironment} and the peers' {@link PeerLink}s.
 *
 * <p>{@link PubSub} drives it over a {@code Host}, with an owner thread and a command queue; a
 * simulation drives thousands of them over virtual time, so that what is measured is the protocol
 * rather than how much CPU one process gets. Only {@link #newMessage} may be called from any thread.
 */
public final class PubsubEngine {
    private static final System.Logger LOG = LazyLogger.of(PubsubEngine.class);
    /** Seen-cache capacity: at 2 minutes TTL this is over 2,000 messages per second. */
    private static final int SEEN_CAPACITY = 262_144;

    private final PubsubConfig config;
    private final Router router;
    private final PubsubEnvironment env;
    private final PeerId localPeer;
    private final SeenCache seen;
    private final AtomicLong seqno;
    private final List<PubsubListener> listeners = new CopyOnWriteArrayList<>();
    private final Map<PeerId, PeerState> peers = new LinkedHashMap<>();
    private final Map<String, TopicState> topics = new LinkedHashMap<>();
    /**
     * Ready peers (stream open) by the topics they announced, kept in step with {@link #peers} so
     * that routers asking for a topic's peers on every message and heartbeat get a set, not a scan.
     */
    private final Map<String, Set<PeerId>> topicPeers = new LinkedHashMap<>();
    private final Context context = new Context();
    private boolean closing;
    private int pendingValidations;
    /** When the RPC being handled was read (clock millis), -1 outside RPC handling. */
    private long rpcReceivedAt = -1;
    /** During a heartbeat, when the oldest RPC still waiting to be handled was read; -1 otherwise. */
    private long heartbeatHandledUntil = -1;
    private long validationDrops;
    private long received;
    private long duplicates;
    private long rejected;
    private long delivered;
    /** Totals of links already closed, so that stats survive peers leaving. */
    private long closedSentBytes;
    private long closedDroppedMessages;
    private long closedDroppedControl;

    private static final class PeerState {
        PeerLink link;
        String protocol;
        final Set<String> topics = new LinkedHashSet<>();
    }

    private static final class TopicState {
        final List<LocalSubscription> subscriptions = new ArrayList<>();
        final List<LocalSubscription> relays = new ArrayList<>();
        volatile Validator validator;

        boolean announced() {
            return !subscriptions.isEmpty() || !relays.isEmpty();
        }
    }

    /** What {@link #close} leaves for the driver to end: the subscriptions and the links. */
    public record Remains(List<LocalSubscription> subscriptions, List<PeerLink> links) {
    }

    /** An engine for the node {@code env} describes, starting {@code router}. */
    public PubsubEngine(PubsubConfig config, Router router, PubsubEnvironment env) {
        this.config = config;
        this.router = router;
        this.env = env;
        this.localPeer = env.identity().publicKey().toPeerId();
        this.seen = new SeenCache(config.clock(), config.seenTtl(), SEEN_CAPACITY, config.seenSliding());
        // go starts the sequence number at the time in nanoseconds, so a restarted node does not reuse numbers.
        this.seqno = new AtomicLong(config.clock().millis() * 1_000_000L);
        router.start(context);
    }

    /** This node's peer ID. */
    public PeerId localPeer() {
        return localPeer;
    }

    /** The configuration. */
    public PubsubConfig config() {
        return config;
    }

    /** The router. */
    public Router router() {
        return router;
    }

    /** Registers a listener for peers joining and leaving topics (any thread). */
    public void addListener(PubsubListener listener) {
        listeners.add(listener);
    }

    /** Removes a listener (any thread). */
    public void removeListener(PubsubListener listener) {
        listeners.remove(listener);
    }

    // ------------------------------------------------------------------ local API

    /**
     * A new message of this node on {@code topic}: signed with the next sequence number under
     * {@link SignaturePolicy#STRICT_SIGN}, anonymous otherwise. Thread-safe, so that signing can
     * run off the owner thread.
     *
     * @throws IllegalArgumentException if the data is over the message size cap
     */
    public PubsubMessage newMessage(String topic, byte[] data) {
        if (data.length > config.maxMessageBytes()) {
            throw new IllegalArgumentException(data.length + " bytes is over the message size cap of " + config.maxMessageBytes());
        }
        if (config.signaturePolicy() != SignaturePolicy.STRICT_SIGN) {
            return PubsubMessage.anonymous(topic, data);
        }
        byte[] seq = ByteBuffer.allocate(8).putLong(seqno.incrementAndGet()).array();
        return MessageSigning.sign(env.identity(), new PubsubMessage(localPeer.bytes(), data, seq, topic, null, null));
    }

    /**
     * Publishes a message of this node (already validated locally): marks it seen, delivers it to
     * local subscriptions and hands it to the router.
     *
     * @return what was sent, or null if a message with its ID was seen within the TTL
     */
    public PublishResult publish(PubsubMessage message) {
        MessageId id = config.messageIdFunction().apply(message);
        if (!seen.add(id)) {
            return null;
        }
        deliverLocally(message);
        return new PublishResult(id, router.forward(null, id, message));
    }

    /** The validator of {@code topic}, or null. */
    public Validator validator(String topic) {
        TopicState ts = topics.get(topic);
        return ts == null ? null : ts.validator;
    }

    /** Sets (or with null removes) the validator of {@code topic}. */
    public void setValidator(String topic, Validator validator) {
        TopicState ts = topics.computeIfAbsent(topic, t -> new TopicState());
        ts.validator = validator;
        if (validator == null && !ts.announced()) {
            topics.remove(topic);
        }
    }

    /**
     * Adds a subscription (or, with {@code relay}, a relay) to {@code topic}. The first one
     * announces the topic to every peer and joins the router's mesh. Its owner brings it back to
     * {@link #removeSubscription} (on the owner thread) when it is cancelled.
     */
    public void subscribe(String topic, boolean relay, LocalSubscription s) {
        TopicState ts = topics.computeIfAbsent(topic, t -> new TopicState());
        boolean was = ts.announced();
        (relay ? ts.relays : ts.subscriptions).add(s);
        if (!was) {
            announce(topic, true);
            router.join(topic);
        }
    }

    /** Removes a subscription or relay; the last one leaves the mesh and announces leaving. */
    public void removeSubscription(String topic, LocalSubscription s) {
        TopicState ts = topics.get(topic);
        if (ts == null) {
            return;
        }
        boolean was = ts.announced();
        ts.subscriptions.remove(s);
        ts.relays.remove(s);
        if (was && !ts.announced()) {
            router.leave(topic);
            announce(topic, false);
            if (ts.validator == null) {
                topics.remove(topic);
            }
        }
    }

    /** The subscriptions and relays of {@code topic}. */
    public List<LocalSubscription> subscriptions(String topic) {
        TopicState ts = topics.get(topic);
        if (ts == null) {
            return List.of();
        }
        List<LocalSubscription> l = new ArrayList<>(ts.subscriptions);
        l.addAll(ts.relays);
        return l;
    }

    /** Topics this node announces (subscribed or relayed). */
    public Set<String> topics() {
        return Set.copyOf(context.joinedTopics());
    }

    /** Pubsub peers subscribed to {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        return Set.copyOf(context.topicPeers(topic));
    }

    /** Peers with an open pubsub stream. */
    public Set<PeerId> peers() {
        return Set.copyOf(context.peers());
    }

    /** The protocol negotiated with {@code peer}, if it is a pubsub peer. */
    public Optional<String> protocolOf(PeerId peer) {
        return context.protocolOf(peer);
    }

    /** The links whose stream is open. */
    public List<PeerLink> readyLinks() {
        return peers.values().stream().filter(p -> p.protocol != null).map(p -> p.link).toList();
    }

    /** Messages ignored because validation was saturated. */
    public long validationDrops() {
        return validationDrops;
    }

    /** The node's counters. */
    public PubsubStats stats() {
        long sent = closedSentBytes;
        long droppedM = closedDroppedMessages;
        long droppedC = closedDroppedControl;
        for (PeerState ps : peers.values()) {
            if (ps.link != null) {
                sent += ps.link.sentBytes();
                droppedM += ps.link.droppedMessages();
                droppedC += ps.link.droppedControl();
            }
        }
        return new PubsubStats(received, duplicates, rejected, delivered, validationDrops, sent, droppedM, droppedC);
    }

    /** Periodic maintenance, with nothing read from peers left unhandled. */
    public void heartbeat() {
        heartbeat(config.clock().millis());
    }

    /**
     * Periodic maintenance: forgets peers that are no longer connected, expires the seen cache and
     * runs the router's heartbeat.
     *
     * @param handledUntil when the oldest RPC read from a peer but not yet handled was read (clock
     *                     millis), or the current time if none waits: see {@link RouterContext#handledUntil()}
     */
    public void heartbeat(long handledUntil) {
        heartbeatHandledUntil = handledUntil;
        try {
            forgetDisconnectedPeers();
            seen.expire();
            router.heartbeat();
        } finally {
            heartbeatHandledUntil = -1;
        }
    }

    /**
     * Stops taking peers, and hands back what the driver must end: every subscription and relay,
     * and every link (to be finished politely or closed). The engine is not used afterwards.
     */
    public Remains close() {
        closing = true;
        List<LocalSubscription> subs = new ArrayList<>();
        for (TopicState ts : topics.values()) {
            subs.addAll(ts.subscriptions);
            subs.addAll(ts.relays);
        }
        List<PeerLink> links = new ArrayList<>();
        for (PeerState ps : peers.values()) {
            if (ps.link != null) {
                links.add(ps.link);
            }
        }
        peers.clear();
        topicPeers.clear();
        return new Remains(subs, links);
    }

    // ------------------------------------------------------------------ peers

    /** A connection to {@code peer} is up (or an inbound stream arrived): opens our stream if none is. */
    public void peerConnected(PeerId peer) {
        // A late event (queued behind the disconnection) must not leave a state no event removes.
        if (closing || peer.equals(localPeer) || !env.connected(peer)) {
            return;
        }
        PeerState ps = peers.computeIfAbsent(peer, p -> new PeerState());
        if (ps.link != null) {
            return;
        }
        ps.link = env.openLink(peer, router.protocols());
    }

    /** A connection to {@code peer} closed: drops the peer if it was the last one. */
    public void peerDisconnected(PeerId peer) {
        if (!env.connected(peer)) {
            dropPeer(peer, null);
        }
    }

    /** The stream of {@code link} opened with {@code protocol}: the peer is now a pubsub peer. */
    public void linkOpened(PeerLink link, String protocol) {
        PeerState ps = peers.get(link.peer());
        if (ps == null || ps.link != link) {
            link.close();
            return;
        }
        ps.protocol = protocol;
        router.addPeer(link.peer(), protocol);
        List<Rpc.SubOpts> hello = new ArrayList<>();
        for (String t : context.joinedTopics()) {
            hello.add(new Rpc.SubOpts(true, t));
        }
        if (!hello.isEmpty()) {
            link.offerControl(Rpc.ofSubscriptions(hello));
        }
        for (String t : ps.topics) {
            addTopicPeer(t, link.peer());
            router.peerSubscribed(link.peer(), t);
            fireJoined(t, link.peer());
        }
    }

    /**
     * The stream of {@code link} failed to open or ended. When the peer is still connected and the
     * stream had been open (its connection closed but another is up) or its negotiation timed out
     * (a busy peer, not a refusal), a new one is opened, keeping the topics the peer announced on
     * its own stream (it will not announce them again). Not after a refusal: a peer without pubsub
     * would be asked again and again.
     */
    public void linkEnded(PeerLink link, Exception cause) {
        PeerState current = peers.get(link.peer());
        if (current == null || current.link != link) {
            return;
        }
        boolean wasReady = current.protocol != null;
        Set<String> theirTopics = new LinkedHashSet<>(current.topics);
        dropPeer(link.peer(), cause);
        boolean timedOut = cause instanceof NegotiationException ne && ne.timedOut();
        if ((wasReady || timedOut) && !closing && env.connected(link.peer())) {
            peerConnected(link.peer());
            PeerState again = peers.get(link.peer());
            if (again != null) {
                again.topics.addAll(theirTopics);
            }
        }
    }

    /**
     * Drops the peers that are no longer connected. Peers normally leave on events (the last
     * connection closed, the stream ended); this catches an event that was missed or handled out of
     * order, so that a departed peer's state, and the topics it once announced, do not outlive it.
     */
    private void forgetDisconnectedPeers() {
        List<PeerId> gone = new ArrayList<>();
        for (PeerId p : peers.keySet()) {
            if (!env.connected(p)) {
                gone.add(p);
            }
        }
        for (PeerId p : gone) {
            dropPeer(p, null);
        }
    }

    private void dropPeer(PeerId peer, Exception cause) {
        PeerState ps = peers.remove(peer);
        if (ps == null) {
            return;
        }
        if (ps.link != null) {
            ps.link.close();
            closedSentBytes += ps.link.sentBytes();
            closedDroppedMessages += ps.link.droppedMessages();
            closedDroppedControl += ps.link.droppedControl();
        }
        if (ps.protocol != null) {
            for (String t : ps.topics) {
                removeTopicPeer(t, peer);
                fireLeft(t, peer);
            }
            router.removePeer(peer);
        }
        if (cause != null) {
            LOG.log(System.Logger.Level.DEBUG, () -> "pubsub peer " + peer + " dropped: " + cause);
        }
    }

    private void addTopicPeer(String topic, PeerId peer) {
        topicPeers.computeIfAbsent(topic, t -> new LinkedHashSet<>()).add(peer);
    }

    private void removeTopicPeer(String topic, PeerId peer) {
        Set<PeerId> s = topicPeers.get(topic);
        if (s != null && s.remove(peer) && s.isEmpty()) {
            topicPeers.remove(topic);
        }
    }

    private void announce(String topic, boolean subscribe) {
        Rpc rpc = Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(subscribe, topic)));
        for (PeerState ps : peers.values()) {
            if (ps.protocol != null) {
                ps.link.offerControl(rpc);
            }
        }
    }

    private void fireJoined(String topic, PeerId peer) {
        for (PubsubListener l : listeners) {
            try {
                l.peerJoined(topic, peer);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pubsub listener failed", e);
            }
        }
    }

    private void fireLeft(String topic, PeerId peer) {
        for (PubsubListener l : listeners) {
            try {
                l.peerLeft(topic, peer);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pubsub listener failed", e);
            }
        }
    }

    // ------------------------------------------------------------------ receiving

    /**
     * Decodes one RPC frame read from {@code peer}'s inbound stream, under the configured limits.
     *
     * @throws DecodeException if it is malformed or over a limit: the stream is to be reset
     */
    public Rpc decode(byte[] frame) {
        return RpcCodec.decode(frame, config.rpcLimits());
    }

    /**
     * Handles an RPC from {@code peer}.
     *
     * @param receivedAt when it was read from the stream (clock millis): a node behind on its
     *                   queue judges the peer's timing by when the data arrived
     */
    public void handleRpc(PeerId peer, Rpc rpc, long receivedAt) {
        rpcReceivedAt = receivedAt;
        try {
            handleRpc(peer, rpc);
        } finally {
            rpcReceivedAt = -1;
        }
    }

    private void handleRpc(PeerId peer, Rpc rpc) {
        if (!router.acceptFrom(peer)) {
            return;
        }
        PeerState ps = peers.get(peer);
        if (ps == null && !env.connected(peer)) {
            // Read before the peer left and handled after: its messages still count, but its
            // subscriptions would make a state that no later event removes.
            for (PubsubMessage m : rpc.messages()) {
                receive(peer, m);
            }
            return;
        }
        if (ps == null) {
            ps = new PeerState();
            peers.put(peer, ps);
        }
        for (Rpc.SubOpts s : rpc.subscriptions()) {
            if (s.subscribe()) {
                if (ps.topics.size() < config.maxTopicsPerPeer() && ps.topics.add(s.topic()) && ps.protocol != null) {
                    addTopicPeer(s.topic(), peer);
                    router.peerSubscribed(peer, s.topic());
                    fireJoined(s.topic(), peer);
                }
            } else if (ps.topics.remove(s.topic()) && ps.protocol != null) {
                removeTopicPeer(s.topic(), peer);
                router.peerUnsubscribed(peer, s.topic());
                fireLeft(s.topic(), peer);
            }
        }
        for (PubsubMessage m : rpc.messages()) {
            receive(peer, m);
        }
        if (!rpc.control().isEmpty() && ps.protocol != null) {
            router.handleControl(peer, rpc.control());
        }
    }

    private void receive(PeerId peer, PubsubMessage m) {
        received++;
        MessageId id;
        try {
            id = config.messageIdFunction().apply(m);
        } catch (RuntimeException e) {
            rejected++;
            router.rejected(peer, null, m, "message ID function failed: " + e);
            return;
        }
        if (m.dataLength() > config.maxMessageBytes()) {
            rejected++;
            router.rejected(peer, id, m, "over the size cap");
            return;
        }
        if (seen.contains(id)) {
            duplicates++;
            router.duplicate(peer, id, m);
            return;
        }
        Optional<String> bad = MessageSigning.check(config.signaturePolicy(), m);
        if (bad.isPresent()) {
            rejected++;
            router.rejected(peer, id, m, bad.get());
            return;
        }
        if (m.author().filter(localPeer::equals).isPresent()) {
            seen.add(id); // our own message coming back
            return;
        }
        seen.add(id);
        router.firstSeen(peer, id, m);
        Validator v = validator(m.topic());
        if (v == null) {
            accepted(peer, id, m);
            return;
        }
        if (pendingValidations >= config.maxPendingValidations()) {
            validationDrops++;
            router.ignored(peer, id, m);
            return;
        }
        pendingValidations++;
        env.validate(v, peer, m, result -> {
            pendingValidations--;
            switch (result == null ? ValidationResult.REJECT : result) {
                case ACCEPT -> accepted(peer, id, m);
                case REJECT -> {
                    rejected++;
                    router.rejected(peer, id, m, "validator rejected it");
                }
                case IGNORE -> router.ignored(peer, id, m);
            }
        });
    }

    private void accepted(PeerId peer, MessageId id, PubsubMessage m) {
        deliverLocally(m);
        router.forward(peer, id, m);
    }

    private void deliverLocally(PubsubMessage m) {
        delivered++;
        TopicState ts = topics.get(m.topic());
        if (ts != null) {
            for (LocalSubscription s : ts.subscriptions) {
                s.deliver(m);
            }
        }
    }

    @Override
    public String toString() {
        return "PubsubEngine[" + localPeer + " " + router.protocols() + "]";
    }

    /** The router's view of this node. */
    private final class Context implements RouterContext {
        @Override
        public PeerId localPeer() {
            return localPeer;
        }

        @Override
        public PubsubConfig config() {
            return config;
        }

        @Override
        public long receivedAt() {
            return rpcReceivedAt >= 0 ? rpcReceivedAt : config.clock().millis();
        }

        @Override
        public long handledUntil() {
            long now = config.clock().millis();
            return heartbeatHandledUntil >= 0 ? Math.min(now, heartbeatHandledUntil) : now;
        }

        @Override
        public Set<PeerId> peers() {
            Set<PeerId> out = new LinkedHashSet<>();
            peers.forEach((id, ps) -> {
                if (ps.protocol != null) {
                    out.add(id);
                }
            });
            return out;
        }

        @Override
        public Optional<String> protocolOf(PeerId peer) {
            PeerState ps = peers.get(peer);
            return Optional.ofNullable(ps == null ? null : ps.protocol);
        }

        @Override
        public Optional<Direction> connectionDirection(PeerId peer) {
            return env.connectionDirection(peer);
        }

        @Override
        public Set<PeerId> topicPeers(String topic) {
            Set<PeerId> s = PubsubEngine.this.topicPeers.get(topic);
            return s == null ? Set.of() : Collections.unmodifiableSet(s);
        }

        @Override
        public boolean joined(String topic) {
            TopicState ts = topics.get(topic);
            return ts != null && ts.announced();
        }

        @Override
        public Set<String> joinedTopics() {
            Set<String> out = new LinkedHashSet<>();
            topics.forEach((t, ts) -> {
                if (ts.announced()) {
                    out.add(t);
                }
            });
            return out;
        }

        @Override
        public boolean seen(MessageId id) {
            return seen.contains(id);
        }

        @Override
        public boolean sendControl(PeerId peer, Rpc rpc) {
            PeerState ps = peers.get(peer);
            return ps != null && ps.protocol != null && ps.link.offerControl(rpc);
        }

        @Override
        public boolean sendMessage(PeerId peer, PubsubMessage message) {
            PeerState ps = peers.get(peer);
            return ps != null && ps.protocol != null && ps.link.offerMessage(message);
        }

        @Override
        public Optional<String> remoteIp(PeerId peer) {
            return env.remoteIp(peer);
        }

        @Override
        public Optional<byte[]> signedPeerRecord(PeerId peer) {
            return env.signedPeerRecord(peer);
        }

        @Override
        public void connect(PeerId peer, Optional<byte[]> record) {
            if (closing || peer.equals(localPeer) || env.connected(peer)) {
                return;
            }
            env.connect(peer, record);
        }

        @Override
        public void disconnect(PeerId peer) {
            env.disconnect(peer);
        }
    }
}
