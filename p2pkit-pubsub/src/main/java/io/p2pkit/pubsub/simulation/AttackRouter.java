package io.p2pkit.pubsub.simulation;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.ControlMessage;
import io.p2pkit.pubsub.MessageId;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.RouterContext;
import io.p2pkit.pubsub.Rpc;
import io.p2pkit.pubsub.gossip.GossipParams;
import io.p2pkit.pubsub.gossip.GossipRouter;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * An attacker for the simulation: a real gossipsub router underneath (so it grafts, is grafted
 * and gossips like anyone), with a behaviour on top.
 */
final class AttackRouter implements Router {
    /** What the attacker does. */
    enum Mode {
        /** Takes part in meshes but never forwards nor answers IWANT. */
        SILENT,
        /** Honest until {@link #strike()} is called, then silent (the covert flash attack). */
        FLASH,
        /** Forwards honestly, but every heartbeat asks every peer for every recent message and advertises fake ones. */
        IWANT_SPAM
    }

    private static final int SPAM_IDS = 200;

    private final Mode mode;
    private final GossipRouter delegate;
    private final AtomicBoolean silent;
    private final ArrayDeque<MessageId> recent = new ArrayDeque<>();
    private RouterContext ctx;
    private long fakeCounter;
    private byte[] fakePrefix;

    AttackRouter(Mode mode, GossipParams params) {
        this.mode = mode;
        this.delegate = new GossipRouter(params);
        this.silent = new AtomicBoolean(mode == Mode.SILENT);
    }

    /** The flash: from now on, nothing is forwarded. */
    void strike() {
        silent.set(true);
    }

    @Override
    public List<String> protocols() {
        return delegate.protocols();
    }

    @Override
    public void start(RouterContext context) {
        this.ctx = context;
        delegate.start(new FilteringContext(context, silent::get));
    }

    @Override
    public void addPeer(PeerId peer, String protocol) {
        delegate.addPeer(peer, protocol);
    }

    @Override
    public void removePeer(PeerId peer) {
        delegate.removePeer(peer);
    }

    @Override
    public void join(String topic) {
        delegate.join(topic);
    }

    @Override
    public void leave(String topic) {
        delegate.leave(topic);
    }

    @Override
    public void peerSubscribed(PeerId peer, String topic) {
        delegate.peerSubscribed(peer, topic);
    }

    @Override
    public void peerUnsubscribed(PeerId peer, String topic) {
        delegate.peerUnsubscribed(peer, topic);
    }

    @Override
    public void handleControl(PeerId peer, ControlMessage control) {
        delegate.handleControl(peer, control);
    }

    @Override
    public void firstSeen(PeerId peer, MessageId id, PubsubMessage message) {
        if (recent.size() >= SPAM_IDS) {
            recent.pollFirst();
        }
        recent.addLast(id);
        delegate.firstSeen(peer, id, message);
    }

    @Override
    public void duplicate(PeerId peer, MessageId id, PubsubMessage message) {
        delegate.duplicate(peer, id, message);
    }

    @Override
    public Set<PeerId> forward(PeerId source, MessageId id, PubsubMessage message) {
        Set<PeerId> sent = delegate.forward(source, id, message);
        return silent.get() ? Set.of() : sent;
    }

    @Override
    public void heartbeat() {
        delegate.heartbeat();
        if (mode != Mode.IWANT_SPAM) {
            return;
        }
        if (fakePrefix == null) {
            fakePrefix = ("fake-" + ctx.localPeer() + "-").getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }
        List<MessageId> fake = new ArrayList<>(SPAM_IDS);
        for (int i = 0; i < SPAM_IDS; i++) {
            // prefix + counter: unique IDs without formatting a peer ID 200 times a second
            byte[] id = java.util.Arrays.copyOf(fakePrefix, fakePrefix.length + Long.BYTES);
            java.nio.ByteBuffer.wrap(id, fakePrefix.length, Long.BYTES).putLong(fakeCounter++);
            fake.add(MessageId.of(id));
        }
        List<MessageId> want = new ArrayList<>(recent);
        for (String topic : ctx.joinedTopics()) {
            Rpc rpc = Rpc.ofControl(new ControlMessage(List.of(new ControlMessage.IHave(topic, fake)),
                    List.of(new ControlMessage.IWant(want), new ControlMessage.IWant(want), new ControlMessage.IWant(want)),
                    List.of(), List.of(), List.of()));
            for (PeerId p : ctx.topicPeers(topic)) {
                ctx.sendControl(p, rpc);
            }
        }
    }

    @Override
    public String toString() {
        return "AttackRouter[" + mode + "]";
    }
}
