package io.p2pkit.pubsub;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.host.Stream;
import io.p2pkit.core.identity.Envelope;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.identity.PeerRecord;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.core.protobuf.LengthPrefixed;
import io.p2pkit.pubsub.engine.LocalSubscription;
import io.p2pkit.pubsub.engine.PeerLink;
import io.p2pkit.pubsub.engine.PubsubEngine;
import io.p2pkit.pubsub.engine.PubsubEnvironment;
import io.p2pkit.pubsub.engine.SendLanes;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

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
    private static final System.Logger LOG = LazyLogger.of(PubSub.class);
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
    private final PubsubEngine engine;
    private final CommandQueue commands;
    private final Thread owner;
    /**
     * Work the owner thread gave itself while running a command (a connection it closed reports
     * back at once): run right after that command, since the owner cannot wait for its own
     * queue. Owner thread only; it holds what one command triggers, at most
     * {@link PubsubConfig#commandQueueCapacity()}.
     */
    private final ArrayDeque<Runnable> deferred = new ArrayDeque<>();
    private final Semaphore validationSlots;
    private final ConnectionListener connectionListener;
    private final ScheduledFuture<?> heartbeatTask;
    private final AtomicBoolean heartbeatQueued = new AtomicBoolean();
    private final AtomicLong lastHeartbeatNanos = new AtomicLong();
    private volatile boolean closed;
    private final AtomicBoolean closing = new AtomicBoolean();

    private PubSub(Host host, PubsubConfig config, Router router) {
        this.host = host;
        this.config = config;
        this.commands = new CommandQueue(config.commandQueueCapacity());
        this.validationSlots = new Semaphore(config.validationConcurrency());
        this.engine = new PubsubEngine(config, router, new HostEnvironment());
        this.owner = Thread.ofVirtual().name("pubsub-owner " + host.peerId()).start(this::runOwner);
        for (String protocol : router.protocols()) {
            host.setStreamHandler(protocol, this::handleInbound);
        }
        this.connectionListener = new ConnectionListener() {
            @Override
            public void connected(Connection c) {
                submitAsync(() -> engine.peerConnected(c.remotePeer()));
            }

            @Override
            public void disconnected(Connection c) {
                submitAsync(() -> engine.peerDisconnected(c.remotePeer()));
            }
        };
        host.addConnectionListener(connectionListener);
        for (Connection c : host.network().connections()) {
            submitAsync(() -> engine.peerConnected(c.remotePeer()));
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
        return engine.router();
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
        engine.addListener(listener);
    }

    /** Topics this node announces (subscribed or relayed). */
    public Set<String> topics() {
        return call(engine::topics);
    }

    /** Pubsub peers subscribed to {@code topic}. */
    public Set<PeerId> topicPeers(String topic) {
        return call(() -> engine.topicPeers(topic));
    }

    /** Peers with an open pubsub stream. */
    public Set<PeerId> peers() {
        return call(engine::peers);
    }

    /** The protocol negotiated with {@code peer}, if it is a pubsub peer. */
    public Optional<String> protocolOf(PeerId peer) {
        return call(() -> engine.protocolOf(peer));
    }

    /** Runs {@code query} against the router on the owner thread and returns its answer (tests, metrics). */
    public <T> T inspect(java.util.function.Function<Router, T> query) {
        return call(() -> query.apply(engine.router()));
    }

    /** Messages dropped because validation was saturated. */
    public long validationDrops() {
        return call(engine::validationDrops);
    }

    /** Bytes written to all peers' pubsub streams so far. */
    public long sentBytes() {
        return stats().sentBytes();
    }

    /** The node's counters. */
    public PubsubStats stats() {
        return call(engine::stats);
    }

    /**
     * Waits until every message and control RPC queued so far has been written to the peers'
     * streams (for a short-lived publisher that is about to close).
     *
     * @return false if the deadline passed first
     */
    public boolean flush(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<PeerLink> links = call(engine::readyLinks);
        for (PeerLink link : links) {
            if (!link.awaitDrained(deadline)) {
                return false;
            }
        }
        return true;
    }

    /** Runs one heartbeat now and waits for it (with {@link PubsubConfig#manualHeartbeat()} in tests). */
    public void heartbeat() {
        call(() -> {
            engine.heartbeat();
            return null;
        });
    }

    /** Waits until {@code topic} has at least {@code n} pubsub peers. */
    boolean awaitTopicPeers(String topic, int n, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        CompletableFuture<Void> done = new CompletableFuture<>();
        // Listeners run on the owner thread, where the engine may be read.
        PubsubListener l = new PubsubListener() {
            @Override
            public void peerJoined(String t, PeerId peer) {
                if (t.equals(topic) && engine.topicPeers(topic).size() >= n) {
                    done.complete(null);
                }
            }
        };
        engine.addListener(l);
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
            engine.removeListener(l);
        }
    }

    Subscription subscribe(String topic) {
        return addSubscription(topic, false);
    }

    Subscription relay(String topic) {
        return addSubscription(topic, true);
    }

    private Subscription addSubscription(String topic, boolean relay) {
        Subscription s = new Subscription(topic, config.subscriptionBuffer(),
                cancelled -> submitAsync(() -> engine.removeSubscription(topic, new Delivery(cancelled))));
        call(() -> {
            engine.subscribe(topic, relay, new Delivery(s));
            return null;
        });
        return s;
    }

    /** A subscription as the engine sees it; equal for the same subscription, so that it can be removed by a new one. */
    private record Delivery(Subscription subscription) implements LocalSubscription {
        @Override
        public void deliver(PubsubMessage message) {
            subscription.deliver(message);
        }

        @Override
        public void cancel() {
            subscription.cancel();
        }
    }

    void leave(String topic) {
        call(() -> engine.subscriptions(topic)).forEach(LocalSubscription::cancel);
    }

    void setValidator(String topic, Validator validator) {
        call(() -> {
            engine.setValidator(topic, validator);
            return null;
        });
    }

    PublishResult publish(String topic, byte[] data) throws PublishException {
        if (closed || closing.get()) {
            throw new PublishException(PublishException.Reason.CLOSED, "pubsub is closed");
        }
        if (data.length > config.maxMessageBytes()) {
            throw new PublishException(PublishException.Reason.TOO_LARGE, data.length
                    + " bytes is over the message size cap of " + config.maxMessageBytes());
        }
        // Signing and local validation run on the caller's thread, not the owner's.
        PubsubMessage message = engine.newMessage(topic, data);
        Validator v = callUnlessClosed(() -> engine.validator(topic));
        if (v != null) {
            ValidationResult r;
            try {
                r = v.validate(host.peerId(), message);
            } catch (RuntimeException e) {
                LOG.log(System.Logger.Level.DEBUG, () -> "the validator of " + topic + " threw on our own message: " + e);
                r = ValidationResult.REJECT;
            }
            if (r != ValidationResult.ACCEPT) {
                throw new PublishException(r, "the topic's validator refused the message: " + r);
            }
        }
        Optional<PublishResult> result = callUnlessClosed(() -> {
            if (!config.publishToZeroPeers() && engine.topicPeers(topic).isEmpty()) {
                return null;
            }
            return Optional.ofNullable(engine.publish(message));
        });
        if (result == null) {
            throw new PublishException(PublishException.Reason.NO_PEERS, "no known peer subscribes to " + topic);
        }
        return result.orElseThrow(() -> new PublishException(PublishException.Reason.DUPLICATE,
                "duplicate message: its ID was seen within the seen-cache TTL"));
    }

    /** {@link #call}, with pubsub closing meanwhile reported as a {@link PublishException}. */
    private <T> T callUnlessClosed(Callable<T> task) throws PublishException {
        try {
            return call(task);
        } catch (IllegalStateException e) {
            if (closed || closing.get()) {
                throw new PublishException(PublishException.Reason.CLOSED, "pubsub closed while publishing");
            }
            throw e;
        }
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
            run(r);
            Runnable next;
            while ((next = deferred.poll()) != null) {
                run(next);
            }
        }
    }

    private static void run(Runnable command) {
        try {
            command.run();
        } catch (RuntimeException e) {
            LOG.log(System.Logger.Level.WARNING, "pubsub command failed", e);
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

    /**
     * Queues work that happened elsewhere (connection and stream events, validation results,
     * cancelled subscriptions) without a thread of its own. On the owner thread it is deferred
     * until the running command ends; on any other thread it waits while the local lane is full,
     * which holds back the connection, stream or validator thread that produced it (before, a full
     * lane started one more thread per command, without bound).
     */
    private void submitAsync(Runnable r) {
        if (closed) {
            return;
        }
        if (Thread.currentThread() == owner) {
            if (deferred.size() < config.commandQueueCapacity()) {
                deferred.add(r);
            } else if (!commands.offerLocal(r)) {
                // Not reached in practice (one command triggers a few events); the heartbeat
                // reconciles peers with the connections, so a lost event is repaired there.
                LOG.log(System.Logger.Level.WARNING, "pubsub dropped an event: its queues are full");
            }
            return;
        }
        if (commands.offerLocal(r)) {
            return;
        }
        try {
            commands.putLocal(r);
        } catch (InterruptedException e) {
            // the producing thread is being stopped (its connection or pubsub closing): so is this event
            Thread.currentThread().interrupt();
            LOG.log(System.Logger.Level.DEBUG, "pubsub event dropped: interrupted while the queue was full");
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
            engine.heartbeat(commands.oldestRemoteReadAt(config.clock().millis()));
        })) {
            heartbeatQueued.set(false);
        }
    }

    // ------------------------------------------------------------------ receiving

    private void handleInbound(Stream stream) throws IOException {
        PeerId peer = stream.remotePeer();
        submitAsync(() -> engine.peerConnected(peer));
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
                rpc = engine.decode(frame);
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
                        engine.handleRpc(peer, rpc, receivedAt);
                    } finally {
                        queued.release();
                    }
                }, receivedAt);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
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
        PubsubEngine.Remains remains;
        try {
            remains = call(engine::close);
        } catch (IllegalStateException e) {
            remains = new PubsubEngine.Remains(List.of(), List.of()); // already shutting down
        }
        // Close the streams politely, in parallel, within a bounded time.
        long deadline = System.nanoTime() + CLOSE_GRACE.toNanos();
        List<Thread> closers = new ArrayList<>();
        for (PeerLink link : remains.links()) {
            closers.add(Thread.ofVirtual().start(() -> {
                try {
                    link.finish(deadline);
                } catch (InterruptedException e) {
                    link.close();
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
        remains.links().forEach(PeerLink::close);
        closed = true;
        if (heartbeatTask != null) {
            heartbeatTask.cancel(false);
        }
        host.network().removeConnectionListener(connectionListener);
        for (String protocol : engine.router().protocols()) {
            host.removeStreamHandler(protocol);
        }
        commands.clear();
        commands.offerLocal(STOP);
        for (LocalSubscription s : remains.subscriptions()) {
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
        return "PubSub[" + host.peerId() + " " + engine.router().protocols() + "]";
    }

    /** The engine's surroundings: this host's connections, streams and peer store, and threads for validators. */
    private final class HostEnvironment implements PubsubEnvironment {
        @Override
        public PrivateKey identity() {
            return host.identity();
        }

        @Override
        public boolean connected(PeerId peer) {
            return !host.network().connections(peer).isEmpty();
        }

        @Override
        public Optional<Direction> connectionDirection(PeerId peer) {
            return host.network().connection(peer).map(Connection::direction);
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
            if (closed) {
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
                    // a bad record is ignored, as the spec says
                    LOG.log(System.Logger.Level.DEBUG, () -> "bad signed peer record for " + peer + " in PX: " + e);
                    return;
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

        @Override
        public PeerLink openLink(PeerId peer, List<String> protocols) {
            PeerSender sender = new PeerSender(peer, SendLanes.of(config));
            String[] offered = protocols.toArray(String[]::new);
            sender.start(() -> host.newStream(peer, offered), new PeerSender.Events() {
                @Override
                public void opened(PeerSender s, String protocol) {
                    submitAsync(() -> engine.linkOpened(s, protocol));
                }

                @Override
                public void ended(PeerSender s, Exception cause) {
                    submitAsync(() -> engine.linkEnded(s, cause));
                }
            });
            return sender;
        }

        @Override
        public void validate(Validator validator, PeerId peer, PubsubMessage message, Consumer<ValidationResult> done) {
            Thread.ofVirtual().name("pubsub-validate").start(() -> {
                ValidationResult r;
                try {
                    validationSlots.acquire();
                    try {
                        r = validator.validate(peer, message);
                    } finally {
                        validationSlots.release();
                    }
                } catch (InterruptedException e) {
                    r = ValidationResult.IGNORE;
                } catch (RuntimeException e) {
                    r = ValidationResult.REJECT;
                }
                ValidationResult result = r;
                submitAsync(() -> done.accept(result));
            });
        }
    }
}
