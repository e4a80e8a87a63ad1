package io.p2pkit.pubsub;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.Direction;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.protobuf.LengthPrefixed;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Publish/subscribe on a {@link Host}, with a pluggable {@link Router} (floodsub or gossipsub).
 *
 * <p>All router state lives on one owner thread fed by a bounded {@link CommandQueue}: local work
 * (timers, API calls, validation results) goes before RPCs from peers, so that a flood cannot
 * delay heartbeats and publishing. Each peer gets one long-lived outbound stream with a bounded
 * two-lane send queue; inbound streams are read on their handler threads, each with a few RPCs
 * queued at most, beyond which the reader waits (back-pressure on that peer alone).
 *
 * <pre>{@code
 * PubSub ps = PubSub.start(host, PubsubConfig.defaults(), new GossipRouter(GossipParams.defaults()));
 * Topic t = ps.join("news");
 * Subscription s = t.subscribe();
 * t.publish("hello".getBytes(UTF_8));
 * PubsubMessage m = s.next();
 * }</pre>
 */
public final class PubSub implements Closeable {
    private static final System.Logger LOG = System.getLogger(PubSub.class.getName());
    /** Seen-cache capacity: at 2 minutes TTL this is over 2,000 messages per second. */
    private static final int SEEN_CAPACITY = 262_144;
    /**
     * RPCs of one inbound stream queued for the owner at most; its reader then waits, which
     * back-pressures that peer alone (through yamux's window) instead of letting one flooding peer
     * fill the queue that every other peer's RPCs wait in.
     */
    private static final int MAX_QUEUED_RPCS_PER_STREAM = 8;
    /** How long closing waits for peers to read what was sent. */
    private static final Duration CLOSE_GRACE = Duration.ofSeconds(2);

    private final Host host;
    private final PubsubConfig config;
    private final Router router;
    private final CommandQueue commands;
    private final Thread owner;
    private final SeenCache seen;
    private final Semaphore validationSlots;
    private final List<PubsubListener> listeners = new CopyOnWriteArrayList<>();
    private final AtomicLong seqno;
    private final ConnectionListener connectionListener;
    private final ScheduledFuture<?> heartbeatTask;
    private final java.util.concurrent.atomic.AtomicBoolean heartbeatQueued = new java.util.concurrent.atomic.AtomicBoolean();
    private final AtomicLong lastHeartbeatNanos = new AtomicLong();
    private volatile boolean closed;
    private final java.util.concurrent.atomic.AtomicBoolean closing = new java.util.concurrent.atomic.AtomicBoolean();

    // Owner-thread state.
    private final Map<PeerId, PeerState> peers = new LinkedHashMap<>();
    private final Map<String, TopicState> topics = new LinkedHashMap<>();
    /**
     * Ready peers (stream open) by the topics they announced, kept in step with {@link #peers} so
     * that routers asking for a topic's peers on every message and heartbeat get a set, not a scan.
     */
    private final Map<String, Set<PeerId>> topicPeers = new LinkedHashMap<>();
    private final Context context = new Context();
    private int pendingValidations;
    /** When the RPC being handled was read (clock millis), -1 outside RPC handling. */
    private long rpcReceivedAt = -1;
    private long validationDrops;
    private long received;
    private long duplicates;
    private long rejected;
    private long delivered;
    /** Totals of senders already closed, so that stats survive peers leaving. */
    private long closedSentBytes;
    private long closedDroppedMessages;
    private long closedDroppedControl;

    private static final class PeerState {
        PeerSender sender;
        String protocol;
        final Set<String> topics = new LinkedHashSet<>();
    }

    private static final class TopicState {
        final List<Subscription> subscriptions = new ArrayList<>();
        final List<Subscription> relays = new ArrayList<>();
        volatile Validator validator;

        boolean announced() {
            return !subscriptions.isEmpty() || !relays.isEmpty();
        }
    }

    private PubSub(Host host, PubsubConfig config, Router router) {
        this.host = host;
        this.config = config;
        this.router = router;
        this.commands = new CommandQueue(config.commandQueueCapacity());
        this.seen = new SeenCache(config.clock(), config.seenTtl(), SEEN_CAPACITY);
        this.validationSlots = new Semaphore(config.validationConcurrency());
        // go starts the sequence number at the time in nanoseconds, so a restarted node does not reuse numbers.
        this.seqno = new AtomicLong(config.clock().millis() * 1_000_000L);
        router.start(context);
        this.owner = Thread.ofVirtual().name("pubsub-owner " + host.peerId()).start(this::runOwner);
        for (String protocol : router.protocols()) {
            host.setStreamHandler(protocol, this::handleInbound);
        }
        this.connectionListener = new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                submitAsync(() -> ensurePeer(c.remotePeer()));
            }

            @Override
            public void disconnected(Connection c) {
                submitAsync(() -> {
                    if (host.network().connections(c.remotePeer()).isEmpty()) {
                        dropPeer(c.remotePeer(), null);
                    }
                });
            }
        };
        host.addConnectionListener(connectionListener);
        for (Connection c : host.network().connections()) {
            submitAsync(() -> ensurePeer(c.remotePeer()));
        }
        long period = config.heartbeatInterval().toNanos();
        this.heartbeatTask = config.manualHeartbeat() ? null : host.scheduler().scheduleAtFixedRate(
                this::heartbeatTick, period, period, TimeUnit.NANOSECONDS);
        host.addService(this);
    }

    /** Starts pubsub on {@code host} with {@code router}, serving the router's protocols. */
    public static PubSub start(Host host, PubsubConfig config, Router router) {
        return new PubSub(host, config, router);
    }

    /** The host. */
    public Host host() {
        return host;
    }

    /** The configuration. */
    public PubsubConfig config() {
        return config;
    }

    /** The router. Its state may only be read through {@link #inspect}. */
    public Router router() {
        return router;
    }

    // ------------------------------------------------------------------ API

    /** A handle on {@code topic}; nothing is announced until it is subscribed to or relayed. */
    public Topic join(String topic) {
        if (topic.isEmpty() || topic.length() > config.rpcLimits().maxTopicLength()) {
            throw new IllegalArgumentException("bad topic name length: " + topic.length());
        }
        return new Topic(this, topic);
    }

    /** Registers a listener for peers joining and leaving topics. */
    public void addListener(PubsubListener listener) {
        listeners.add(listener);
    }

    /** Topics this node announces (subscribed or relayed). */
    public Set<String> topics() {
        return call(() -> Set.copyOf(context.joinedTopics()));
    }

    /** Pubsub peers subscribed to {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        return call(() -> Set.copyOf(context.topicPeers(topic)));
    }

    /** Peers with an open pubsub stream. */
    public Set<PeerId> peers() {
        return call(() -> Set.copyOf(context.peers()));
    }

    /** The protocol negotiated with {@code peer}, if it is a pubsub peer. */
    public Optional<String> protocolOf(PeerId peer) {
        return call(() -> context.protocolOf(peer));
    }

    /** Runs {@code query} against the router on the owner thread and returns its answer (tests, metrics). */
    public <T> T inspect(java.util.function.Function<Router, T> query) {
        return call(() -> query.apply(router));
    }

    /** Messages dropped because validation was saturated. */
    public long validationDrops() {
        return call(() -> validationDrops);
    }

    /** Bytes written to all peers' pubsub streams so far. */
    public long sentBytes() {
        return stats().sentBytes();
    }

    /** The node's counters. */
    public PubsubStats stats() {
        return call(() -> {
            long sent = closedSentBytes;
            long droppedM = closedDroppedMessages;
            long droppedC = closedDroppedControl;
            for (PeerState ps : peers.values()) {
                if (ps.sender != null) {
                    sent += ps.sender.sentBytes();
                    droppedM += ps.sender.droppedMessages();
                    droppedC += ps.sender.droppedControl();
                }
            }
            return new PubsubStats(received, duplicates, rejected, delivered, validationDrops, sent, droppedM, droppedC);
        });
    }

    /**
     * Waits until every message and control RPC queued so far has been written to the peers'
     * streams (for a short-lived publisher that is about to close).
     *
     * @return false if the deadline passed first
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PeerSender> senders = call(() -> peers.values().stream()
                .filter(p -> p.protocol != null).map(p -> p.sender).toList());
        for (PeerSender s : senders) {
            if (!s.awaitDrained(deadline)) {
                return false;
            }
        }
        return true;
    }

    /** Runs one heartbeat now and waits for it (with {@link PubsubConfig#manualHeartbeat()} in tests). */
    public void heartbeat() {
        call(() -> {
            doHeartbeat();
            return null;
        });
    }

    /** Waits until {@code topic} has at least {@code n} pubsub peers. */
    boolean awaitTopicPeers(String topic, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Void> done = new CompletableFuture<>();
        PubsubListener l = new PubsubListener() {
            @Override
            public void peerJoined(String t, PeerId peer) {
                if (t.equals(topic) && context.topicPeers(topic).size() >= n) {
                    done.complete(null);
                }
            }
        };
        listeners.add(l);
        try {
            if (topicPeers(topic).size() >= n) {
                return true;
            }
            done.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            throw new IllegalStateException(e);
        } finally {
            listeners.remove(l);
        }
    }

    Subscription subscribe(String topic) {
        return addSubscription(topic, false);
    }

    Subscription relay(String topic) {
        return addSubscription(topic, true);
    }

    private Subscription addSubscription(String topic, boolean relay) {
        Subscription[] holder = new Subscription[1];
        Subscription s = new Subscription(topic, config.subscriptionBuffer(),
                () -> submitAsync(() -> removeSubscription(topic, holder[0])));
        holder[0] = s;
        call(() -> {
            TopicState ts = topics.computeIfAbsent(topic, t -> new TopicState());
            boolean was = ts.announced();
            (relay ? ts.relays : ts.subscriptions).add(s);
            if (!was) {
                announce(topic, true);
                router.join(topic);
            }
            return null;
        });
        return s;
    }

    private void removeSubscription(String topic, Subscription s) {
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

    void leave(String topic) {
        List<Subscription> all = call(() -> {
            TopicState ts = topics.get(topic);
            if (ts == null) {
                return List.<Subscription>of();
            }
            List<Subscription> l = new ArrayList<>(ts.subscriptions);
            l.addAll(ts.relays);
            return l;
        });
        all.forEach(Subscription::cancel);
    }

    void setValidator(String topic, Validator validator) {
        call(() -> {
            TopicState ts = topics.computeIfAbsent(topic, t -> new TopicState());
            ts.validator = validator;
            if (validator == null && !ts.announced()) {
                topics.remove(topic);
            }
            return null;
        });
    }

    PublishResult publish(String topic, byte[] data) throws IOException {
        if (closed) {
            throw new IOException("pubsub is closed");
        }
        if (data.length > config.maxMessageBytes()) {
            throw new IllegalArgumentException(data.length + " bytes is over the message size cap of " + config.maxMessageBytes());
        }
        PubsubMessage m;
        if (config.signaturePolicy() == SignaturePolicy.STRICT_SIGN) {
            byte[] seq = ByteBuffer.allocate(8).putLong(seqno.incrementAndGet()).array();
            m = MessageSigning.sign(host.identity(),
                    new PubsubMessage(host.peerId().bytes(), data, seq, topic, null, null));
        } else {
            m = PubsubMessage.anonymous(topic, data);
        }
        Validator v = call(() -> {
            TopicState ts = topics.get(topic);
            return ts == null ? null : ts.validator;
        });
        if (v != null) {
            ValidationResult r;
            try {
                r = v.validate(host.peerId(), m);
            } catch (RuntimeException e) {
                r = ValidationResult.REJECT;
            }
            if (r != ValidationResult.ACCEPT) {
                throw new IOException("the topic's validator refused the message: " + r);
            }
        }
        PubsubMessage message = m;
        PublishResult result = call(() -> {
            MessageId id = config.messageIdFunction().apply(message);
            if (!seen.add(id)) {
                return null;
            }
            deliverLocally(message);
            return new PublishResult(id, router.forward(null, id, message));
        });
        if (result == null) {
            throw new IOException("duplicate message: its ID was seen within the seen-cache TTL");
        }
        return result;
    }

    // ------------------------------------------------------------------ owner thread

    private void runOwner() {
        while (true) {
            Runnable r;
            try {
                r = commands.take();
            } catch (InterruptedException e) {
                return;
            }
            if (closed && r != STOP) {
                continue;
            }
            if (r == STOP) {
                return;
            }
            try {
                r.run();
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.WARNING, "pubsub command failed", e);
            }
        }
    }

    private static final Runnable STOP = () -> {
    };

    /** Runs {@code task} on the owner thread and returns its result. */
    private <T> T call(Callable<T> task) {
        if (Thread.currentThread() == owner) {
            try {
                return task.call();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        CompletableFuture<T> f = new CompletableFuture<>();
        submitLocal(() -> {
            try {
                f.complete(task.call());
            } catch (Exception | Error e) {
                f.completeExceptionally(e);
            }
        });
        try {
            return f.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for pubsub", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException re) {
                throw re;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    private void submitLocal(Runnable r) {
        if (closed) {
            throw new IllegalStateException("pubsub is closed");
        }
        try {
            commands.putLocal(r);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    /** Queues without blocking the caller (connection callbacks, timers): a full queue hands off to a thread. */
    private void submitAsync(Runnable r) {
        if (closed) {
            return;
        }
        if (!commands.offerLocal(r)) {
            Thread.ofVirtual().start(() -> {
                try {
                    commands.putLocal(r);
                } catch (InterruptedException ignored) {
                    // shutting down
                }
            });
        }
    }

    /**
     * A timer tick: queues one heartbeat unless one is still queued, or the last one ran less than
     * half a period ago. A stalled scheduler catches up on a fixed-rate task with a burst of ticks;
     * run as heartbeats, such a burst would shift the message cache several windows at once and
     * drop messages from gossip before any peer could ask for them (go's ticker drops ticks too).
     */
    private void heartbeatTick() {
        long now = System.nanoTime();
        long last = lastHeartbeatNanos.get();
        if (last != 0 && now - last < config.heartbeatInterval().toNanos() / 2) {
            return;
        }
        if (!heartbeatQueued.compareAndSet(false, true)) {
            return;
        }
        // Skipped rather than blocking the host's scheduler when the owner is overloaded.
        if (!commands.offerLocal(() -> {
            heartbeatQueued.set(false);
            lastHeartbeatNanos.set(System.nanoTime());
            doHeartbeat();
        })) {
            heartbeatQueued.set(false);
        }
    }

    private void doHeartbeat() {
        seen.expire();
        router.heartbeat();
    }

    private void ensurePeer(PeerId peer) {
        if (closing.get() || peer.equals(host.peerId())) {
            return;
        }
        PeerState ps = peers.computeIfAbsent(peer, p -> new PeerState());
        if (ps.sender != null) {
            return;
        }
        if (host.network().connections(peer).isEmpty()) {
            return;
        }
        PeerSender sender = new PeerSender(peer, config.controlQueueCapacity(), config.messageQueueCapacity(),
                Math.max(1024, config.rpcLimits().maxRpcBytes() / 2));
        ps.sender = sender;
        String[] protocols = router.protocols().toArray(String[]::new);
        sender.start(() -> host.newStream(peer, protocols), new PeerSender.Events() {
            @Override
            public void opened(PeerSender s, String protocol) {
                submitAsync(() -> peerReady(s, protocol));
            }

            @Override
            public void ended(PeerSender s, Exception cause) {
                submitAsync(() -> {
                    PeerState current = peers.get(s.peer());
                    if (current != null && current.sender == s) {
                        boolean wasReady = current.protocol != null;
                        Set<String> theirTopics = new LinkedHashSet<>(current.topics);
                        dropPeer(s.peer(), cause);
                        // The stream's connection closed but another one is up, or opening the stream
                        // timed out (a busy peer, not a refusal): open a new stream, keeping the topics
                        // the peer announced on its own stream (it will not announce them again).
                        // Not after a refusal: a peer without pubsub would be asked again and again.
                        boolean timedOut = cause instanceof NegotiationException ne && ne.timedOut();
                        if ((wasReady || timedOut) && !closing.get()
                                && !host.network().connections(s.peer()).isEmpty()) {
                            ensurePeer(s.peer());
                            PeerState again = peers.get(s.peer());
                            if (again != null) {
                                again.topics.addAll(theirTopics);
                            }
                        }
                    }
                });
            }
        });
    }

    private void peerReady(PeerSender sender, String protocol) {
        PeerState ps = peers.get(sender.peer());
        if (ps == null || ps.sender != sender) {
            sender.close();
            return;
        }
        ps.protocol = protocol;
        router.addPeer(sender.peer(), protocol);
        List<Rpc.SubOpts> hello = new ArrayList<>();
        for (String t : context.joinedTopics()) {
            hello.add(new Rpc.SubOpts(true, t));
        }
        if (!hello.isEmpty()) {
            sender.offerControl(Rpc.ofSubscriptions(hello));
        }
        for (String t : ps.topics) {
            addTopicPeer(t, sender.peer());
            router.peerSubscribed(sender.peer(), t);
            fireJoined(t, sender.peer());
        }
    }

    private void dropPeer(PeerId peer, Exception cause) {
        PeerState ps = peers.remove(peer);
        if (ps == null) {
            return;
        }
        if (ps.sender != null) {
            ps.sender.close();
            closedSentBytes += ps.sender.sentBytes();
            closedDroppedMessages += ps.sender.droppedMessages();
            closedDroppedControl += ps.sender.droppedControl();
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
                ps.sender.offerControl(rpc);
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

    private void handleInbound(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        submitAsync(() -> ensurePeer(peer));
        InputStream in = stream.in();
        int max = config.rpcLimits().maxRpcBytes();
        Semaphore queued = new Semaphore(MAX_QUEUED_RPCS_PER_STREAM);
        while (!closed) {
            byte[] frame = LengthPrefixed.read(in, max);
            if (frame == null) {
                return;
            }
            long receivedAt = config.clock().millis();
            Rpc rpc;
            try {
                rpc = RpcCodec.decode(frame, config.rpcLimits());
            } catch (DecodeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "bad pubsub RPC from " + peer + ": " + e.getMessage());
                stream.reset();
                return;
            }
            try {
                while (!queued.tryAcquire(1, TimeUnit.SECONDS)) {
                    if (closed) {
                        return; // queued RPCs were dropped on close and will not give their permits back
                    }
                }
                if (closed) {
                    return;
                }
                commands.putRemote(() -> {
                    try {
                        handleRpc(peer, rpc, receivedAt);
                    } finally {
                        queued.release();
                    }
                });
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    private void handleRpc(PeerId peer, Rpc rpc, long receivedAt) {
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
        PeerState ps = peers.computeIfAbsent(peer, p -> new PeerState());
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
        if (m.author().filter(host.peerId()::equals).isPresent()) {
            seen.add(id); // our own message coming back
            return;
        }
        seen.add(id);
        router.firstSeen(peer, id, m);
        TopicState ts = topics.get(m.topic());
        Validator v = ts == null ? null : ts.validator;
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
        Thread.ofVirtual().name("pubsub-validate").start(() -> {
            ValidationResult r;
            try {
                validationSlots.acquire();
                try {
                    r = v.validate(peer, m);
                } finally {
                    validationSlots.release();
                }
            } catch (InterruptedException e) {
                r = ValidationResult.IGNORE;
            } catch (RuntimeException e) {
                r = ValidationResult.REJECT;
            }
            ValidationResult result = r == null ? ValidationResult.REJECT : r;
            submitAsync(() -> {
                pendingValidations--;
                switch (result) {
                    case ACCEPT -> accepted(peer, id, m);
                    case REJECT -> {
                        rejected++;
                        router.rejected(peer, id, m, "validator rejected it");
                    }
                    case IGNORE -> router.ignored(peer, id, m);
                }
            });
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
            for (Subscription s : ts.subscriptions) {
                s.deliver(m);
            }
        }
    }

    // ------------------------------------------------------------------ lifecycle

    /** Stops pubsub: removes the protocol handlers, closes the streams, ends subscriptions. Idempotent. */
    @Override
    public void close() {
        if (!closing.compareAndSet(false, true)) {
            return;
        }
        List<Subscription> subs = new ArrayList<>();
        List<PeerSender> senders = new ArrayList<>();
        try {
            call(() -> {
                for (TopicState ts : topics.values()) {
                    subs.addAll(ts.subscriptions);
                    subs.addAll(ts.relays);
                }
                for (PeerState ps : peers.values()) {
                    if (ps.sender != null) {
                        senders.add(ps.sender);
                    }
                }
                peers.clear();
                topicPeers.clear();
                return null;
            });
        } catch (IllegalStateException ignored) {
            // already shutting down
        }
        // Close the streams politely, in parallel, within a bounded time.
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        List<Thread> closers = new ArrayList<>();
        for (PeerSender sender : senders) {
            closers.add(Thread.ofVirtual().start(() -> {
                try {
                    sender.finish(deadline);
                } catch (InterruptedException e) {
                    sender.close();
                }
            }));
        }
        for (Thread t : closers) {
            try {
                t.join(Duration.ofNanos(Math.max(1, deadline - System.nanoTime() + 1_000_000)));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        senders.forEach(PeerSender::close);
        closed = true;
        if (heartbeatTask != null) {
            heartbeatTask.cancel(false);
        }
        host.network().removeConnectionListener(connectionListener);
        for (String protocol : router.protocols()) {
            host.removeStreamHandler(protocol);
        }
        commands.clear();
        commands.offerLocal(STOP);
        for (Subscription s : subs) {
            s.cancel();
        }
        try {
            owner.join(Duration.ofSeconds(5));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public String toString() {
        return "PubSub[" + host.peerId() + " " + router.protocols() + "]";
    }

    /** The router's view of this node. */
    private final class Context implements RouterContext {
        @Override
        public PeerId localPeer() {
            return host.peerId();
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
            return host.network().connection(peer).map(Connection::direction);
        }

        @Override
        public Set<PeerId> topicPeers(String topic) {
            Set<PeerId> s = PubSub.this.topicPeers.get(topic);
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
            return ps != null && ps.protocol != null && ps.sender.offerControl(rpc);
        }

        @Override
        public boolean sendMessage(PeerId peer, PubsubMessage message) {
            PeerState ps = peers.get(peer);
            return ps != null && ps.protocol != null && ps.sender.offerMessage(message);
        }

        @Override
        public Optional<String> remoteIp(PeerId peer) {
            return host.network().connection(peer)
                    .flatMap(c -> c.remoteAddress().toSocketAddress())
                    .map(sa -> sa.getAddress().getHostAddress());
        }

        @Override
        public Optional<byte[]> signedPeerRecord(PeerId peer) {
            return host.peerStore().peerRecord(peer).map(Envelope::marshal);
        }

        @Override
        public void connect(PeerId peer, Optional<byte[]> record) {
            if (closed || peer.equals(host.peerId()) || !host.network().connections(peer).isEmpty()) {
                return;
            }
            List<Multiaddr> addrs = new ArrayList<>();
            if (record.isPresent()) {
                try {
                    Envelope env = Envelope.open(record.get(), PeerRecord.DOMAIN);
                    PeerRecord pr = PeerRecord.fromEnvelope(env);
                    if (!pr.peerId().equals(peer)) {
                        return;
                    }
                    host.peerStore().consumePeerRecord(env, AddressTtl.TEMPORARY);
                    addrs.addAll(pr.addresses());
                } catch (RuntimeException e) {
                    return; // a bad record is ignored, as the spec says
                }
            }
            host.spawn("pubsub-px " + peer, () -> {
                try {
                    host.connect(new PeerInfo(peer, addrs));
                } catch (IOException | RuntimeException e) {
                    LOG.log(System.Logger.Level.DEBUG, () -> "peer exchange dial to " + peer + " failed: " + e);
                }
            });
        }

        @Override
        public void disconnect(PeerId peer) {
            host.network().connections(peer).forEach(Connection::close);
        }
    }
}
