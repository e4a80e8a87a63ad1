package io.p2pkit.pubsub;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.testing.SeededRandom;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.Set;

/** A RouterContext for driving a router by hand: manual clock, seeded randomness, recorded sends. */
public final class FakeContext implements RouterContext {
    /** A clock moved by the test. */
    public static final class ManualClock extends Clock {
        private long millis = 1_000_000;

        /** A clock at an arbitrary start. */
        public ManualClock() {
        }

        public void advance(Duration d) {
            millis += d.toMillis();
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }

        @Override
        public Instant instant() {
            return Instant.ofEpochMilli(millis);
        }

        @Override
        public long millis() {
            return millis;
        }
    }

    /** What was sent to whom. */
    public record Sent(PeerId peer, Rpc rpc, PubsubMessage message) {
    }

    public final ManualClock clock = new ManualClock();
    public final PubsubConfig config;
    public final PeerId local;
    public final Map<PeerId, String> protocols = new LinkedHashMap<>();
    public final Map<PeerId, Set<String>> topics = new HashMap<>();
    public final Map<PeerId, Direction> directions = new HashMap<>();
    public final Map<PeerId, String> ips = new HashMap<>();
    public final Set<String> joined = new LinkedHashSet<>();
    public final Set<MessageId> seenIds = new HashSet<>();
    public final List<Sent> sent = new ArrayList<>();
    public final List<PeerId> dialed = new ArrayList<>();
    /** What {@link #handledUntil()} answers; negative: the clock's time (nothing waits unhandled). */
    public long handledUntil = -1;
    private final SeededRandom keys;

    public FakeContext(long seed) {
        this.keys = new SeededRandom(seed);
        this.config = PubsubConfig.builder().clock(clock).random(new Random(seed)).manualHeartbeat(true).build();
        this.local = newPeerId();
    }

    public PeerId newPeerId() {
        return PrivateKey.generate(io.p2pkit.core.crypto.KeyType.ED25519, keys).publicKey().toPeerId();
    }

    /** Adds a peer subscribed to {@code topic}s (not yet told to the router). */
    public PeerId peer(String protocol, Direction direction, String... topicNames) {
        PeerId p = newPeerId();
        protocols.put(p, protocol);
        directions.put(p, direction);
        topics.put(p, new LinkedHashSet<>(List.of(topicNames)));
        return p;
    }

    public List<Sent> sentTo(PeerId p) {
        return sent.stream().filter(s -> s.peer().equals(p)).toList();
    }

    public List<ControlMessage> controlTo(PeerId p) {
        return sentTo(p).stream().filter(s -> s.rpc() != null).map(s -> s.rpc().control()).toList();
    }

    public List<PubsubMessage> messagesTo(PeerId p) {
        return sentTo(p).stream().filter(s -> s.message() != null).map(Sent::message).toList();
    }

    @Override
    public long handledUntil() {
        return handledUntil < 0 ? clock.millis() : handledUntil;
    }

    @Override
    public PeerId localPeer() {
        return local;
    }

    @Override
    public PubsubConfig config() {
        return config;
    }

    @Override
    public Set<PeerId> peers() {
        return new LinkedHashSet<>(protocols.keySet());
    }

    @Override
    public Optional<String> protocolOf(PeerId peer) {
        return Optional.ofNullable(protocols.get(peer));
    }

    @Override
    public Optional<Direction> connectionDirection(PeerId peer) {
        return Optional.ofNullable(directions.get(peer));
    }

    @Override
    public Set<PeerId> topicPeers(String topic) {
        Set<PeerId> out = new LinkedHashSet<>();
        protocols.keySet().forEach(p -> {
            if (topics.getOrDefault(p, Set.of()).contains(topic)) {
                out.add(p);
            }
        });
        return out;
    }

    @Override
    public boolean joined(String topic) {
        return joined.contains(topic);
    }

    @Override
    public Set<String> joinedTopics() {
        return joined;
    }

    @Override
    public boolean seen(MessageId id) {
        return seenIds.contains(id);
    }

    @Override
    public boolean sendControl(PeerId peer, Rpc rpc) {
        sent.add(new Sent(peer, rpc, null));
        return true;
    }

    @Override
    public boolean sendMessage(PeerId peer, PubsubMessage message) {
        sent.add(new Sent(peer, null, message));
        return true;
    }

    @Override
    public Optional<String> remoteIp(PeerId peer) {
        return Optional.ofNullable(ips.get(peer));
    }

    @Override
    public Optional<byte[]> signedPeerRecord(PeerId peer) {
        return Optional.empty();
    }

    @Override
    public void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {
        dialed.add(peer);
    }
}
