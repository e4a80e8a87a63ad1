package io.p2pkit.pubsub.engine;

import io.p2pkit.core.Direction;
import io.p2pkit.core.crypto.PrivateKey;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multistream.NegotiationException;
import io.p2pkit.core.multistream.NegotiationTimer;
import io.p2pkit.pubsub.MessageSigning;
import io.p2pkit.pubsub.PubsubConfig;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.PubsubStats;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.ValidationResult;
import io.p2pkit.pubsub.Validator;
import io.p2pkit.pubsub.flood.FloodRouter;
import io.p2pkit.testing.Await;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.function.Consumer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The engine driven by hand, without threads or a host: what happens to a peer whose stream fails. */
class PubsubEngineTest {
    private static final String TOPIC = "t";
    private static final String FLOODSUB = "/floodsub/1.0.0";

    private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor();
    private final FakeEnvironment env = new FakeEnvironment();
    private final PeerId peer = PrivateKey.generateEd25519().publicKey().toPeerId();
    private final PubsubEngine engine = new PubsubEngine(PubsubConfig.builder().build(), new FloodRouter(), env);

    @AfterEach
    void stop() {
        scheduler.shutdownNow();
    }

    /** A link that records what it was sent. */
    private static final class FakeLink implements PeerLink {
        final PeerId peer;
        final List<Rpc> control = new ArrayList<>();
        boolean closed;

        FakeLink(PeerId peer) {
            this.peer = peer;
        }

        @Override
        public PeerId peer() {
            return peer;
        }

        @Override
        public boolean offerControl(Rpc rpc) {
            return !closed && control.add(rpc);
        }

        @Override
        public boolean offerMessage(PubsubMessage message) {
            return !closed;
        }

        @Override
        public long sentBytes() {
            return 0;
        }

        @Override
        public long droppedMessages() {
            return 0;
        }

        @Override
        public long droppedControl() {
            return 0;
        }

        @Override
        public void close() {
            closed = true;
        }
    }

    /** Connections as the test says; every link opened is kept. */
    private static final class FakeEnvironment implements PubsubEnvironment {
        final PrivateKey key = PrivateKey.generateEd25519();
        final Set<PeerId> connected = new HashSet<>();
        final List<FakeLink> links = new ArrayList<>();

        @Override
        public PrivateKey identity() {
            return key;
        }

        @Override
        public boolean connected(PeerId peer) {
            return connected.contains(peer);
        }

        @Override
        public Optional<Direction> connectionDirection(PeerId peer) {
            return connected(peer) ? Optional.of(Direction.OUTBOUND) : Optional.empty();
        }

        @Override
        public Optional<String> remoteIp(PeerId peer) {
            return Optional.empty();
        }

        @Override
        public Optional<byte[]> signedPeerRecord(PeerId peer) {
            return Optional.empty();
        }

        @Override
        public void connect(PeerId peer, Optional<byte[]> signedPeerRecord) {
        }

        @Override
        public void disconnect(PeerId peer) {
            connected.remove(peer);
        }

        @Override
        public PeerLink openLink(PeerId peer, List<String> protocols) {
            FakeLink l = new FakeLink(peer);
            links.add(l);
            return l;
        }

        @Override
        public void validate(Validator validator, PeerId peer, PubsubMessage message, Consumer<ValidationResult> done) {
            done.accept(validator.validate(peer, message));
        }
    }

    /** A timed-out negotiation as the multistream timer reports it: a step that waits until aborted. */
    private NegotiationException timedOutNegotiation() throws InterruptedException {
        NegotiationTimer timer = new NegotiationTimer(scheduler, Duration.ofMillis(1));
        CountDownLatch aborted = new CountDownLatch(1);
        try {
            timer.run(aborted::countDown, () -> {
                try {
                    Await.await("the timer to abort the step", aborted);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                throw new IOException("aborted");
            });
        } catch (IOException e) {
            NegotiationException ne = assertInstanceOf(NegotiationException.class, e);
            assertTrue(ne.timedOut(), "the timer's exception says it timed out");
            return ne;
        }
        throw new AssertionError("the step never returns before it is aborted");
    }

    /** The peer connects, opens its stream to us and announces {@link #TOPIC} on it; our stream is being opened. */
    private FakeLink peerAnnouncedTopicWhileOurStreamOpens() {
        env.connected.add(peer);
        engine.peerConnected(peer);
        assertEquals(1, env.links.size(), "one stream is opened to a connected peer");
        engine.handleRpc(peer, Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, TOPIC))), 0);
        assertEquals(Set.of(), engine.topicPeers(TOPIC), "not a topic peer before our stream is open");
        return env.links.get(0);
    }

    @Test
    void aStreamWhoseNegotiationTimedOutIsOpenedAgainKeepingThePeersTopics() throws Exception {
        FakeLink first = peerAnnouncedTopicWhileOurStreamOpens();
        engine.linkEnded(first, timedOutNegotiation());
        assertTrue(first.closed);
        assertEquals(2, env.links.size(), "a busy peer is asked again");
        FakeLink second = env.links.get(1);
        engine.linkOpened(second, FLOODSUB);
        assertEquals(Set.of(peer), engine.topicPeers(TOPIC),
                "the topic the peer announced on its own stream is kept: it will not announce it again");
        assertEquals(Optional.of(FLOODSUB), engine.protocolOf(peer));
    }

    /**
     * Issue 16's question for pubsub: peers leave on events only. Events handled out of order (the
     * connection event and an RPC queued behind the disconnection) used to leave a state no event
     * removed, and the topics in it came back as the peer's when it reconnected.
     */
    @Test
    void eventsHandledAfterTheDisconnectionLeaveNothingBehind() {
        FakeLink first = peerAnnouncedTopicWhileOurStreamOpens();
        engine.linkOpened(first, FLOODSUB);
        env.connected.remove(peer);
        engine.peerDisconnected(peer);
        engine.peerConnected(peer); // late: queued before the disconnection, handled after it
        engine.handleRpc(peer, Rpc.ofSubscriptions(List.of(new Rpc.SubOpts(true, TOPIC))), 0);
        engine.heartbeat();
        // The peer comes back, no longer subscribed to anything.
        env.connected.add(peer);
        engine.peerConnected(peer);
        engine.linkOpened(env.links.get(env.links.size() - 1), FLOODSUB);
        assertEquals(Set.of(), engine.topicPeers(TOPIC), "a topic from before the reconnection came back");
        assertEquals(Set.of(peer), engine.peers());
    }

    @Test
    void theHeartbeatForgetsAPeerWhoseDisconnectionWasMissed() {
        FakeLink first = peerAnnouncedTopicWhileOurStreamOpens();
        engine.linkOpened(first, FLOODSUB);
        assertEquals(Set.of(peer), engine.topicPeers(TOPIC));
        env.connected.remove(peer); // and no peerDisconnected
        engine.heartbeat();
        assertEquals(Set.of(), engine.peers());
        assertEquals(Set.of(), engine.topicPeers(TOPIC));
        assertTrue(first.closed, "its stream is closed");
    }

    @Test
    void aRefusedStreamIsNotOpenedAgain() {
        FakeLink first = peerAnnouncedTopicWhileOurStreamOpens();
        engine.linkEnded(first, new NegotiationException("refused", List.of(FLOODSUB), List.of("na")));
        assertEquals(1, env.links.size(), "a peer without pubsub is not asked again and again");
        assertEquals(Set.of(), engine.peers());
    }

    @Test
    void anOpenStreamThatEndsIsOpenedAgainWhileTheConnectionIsUp() {
        FakeLink first = peerAnnouncedTopicWhileOurStreamOpens();
        engine.linkOpened(first, FLOODSUB);
        engine.linkEnded(first, new IOException("stream reset"));
        assertEquals(Set.of(), engine.topicPeers(TOPIC), "the peer left while its stream was down");
        assertEquals(2, env.links.size());
        engine.linkOpened(env.links.get(1), FLOODSUB);
        assertEquals(Set.of(peer), engine.topicPeers(TOPIC));
    }

    @Test
    void aTimedOutStreamIsNotOpenedAgainOnceThePeerIsGone() throws Exception {
        FakeLink first = peerAnnouncedTopicWhileOurStreamOpens();
        env.connected.remove(peer);
        engine.linkEnded(first, timedOutNegotiation());
        assertEquals(1, env.links.size());
        assertEquals(Set.of(), engine.peers());
    }

    @Test
    void ourTopicsAreAnnouncedWhenTheStreamOpensAndAMessageIsDeliveredOnce() throws InterruptedException {
        java.util.Queue<PubsubMessage> delivered = new java.util.concurrent.ConcurrentLinkedQueue<>();
        engine.subscribe(TOPIC, false, new LocalSubscription() {
            @Override
            public void deliver(PubsubMessage message) {
                delivered.add(message);
            }

            @Override
            public void cancel() {
            }
        });
        FakeLink first = peerAnnouncedTopicWhileOurStreamOpens();
        engine.linkOpened(first, FLOODSUB);
        assertEquals(List.of(new Rpc.SubOpts(true, TOPIC)), first.control.get(0).subscriptions());
        PrivateKey author = PrivateKey.generateEd25519();
        PubsubMessage m = MessageSigning.sign(author, new PubsubMessage(author.publicKey().toPeerId().bytes(),
                new byte[] {1, 2, 3}, new byte[] {0, 0, 0, 0, 0, 0, 0, 1}, TOPIC, null, null));
        engine.handleRpc(peer, Rpc.ofMessages(List.of(m)), 0);
        engine.handleRpc(peer, Rpc.ofMessages(List.of(m)), 0);
        PubsubStats st = engine.stats();
        assertEquals(2, st.received());
        assertEquals(1, st.duplicates());
        assertEquals(1, st.delivered());
        PubsubMessage got = delivered.poll();
        assertNotNull(got, "delivered to the subscription");
        assertArrayEquals(m.data(), got.data());
        assertNull(delivered.poll(), "and only once");
    }
}
