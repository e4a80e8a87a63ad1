package io.p2pkit.pubsub;

import io.p2pkit.core.identity.PeerId;

import java.time.Duration;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A joined topic: subscribe to it, publish to it, set its validator, see its peers. The node
 * announces the topic to its peers (and joins the gossipsub mesh) while the topic has at least
 * one subscription or relay; {@link #close()} leaves it.
 */
public final class Topic implements AutoCloseable {
    private final PubSub pubsub;
    private final String name;

    Topic(PubSub pubsub, String name) {
        this.pubsub = pubsub;
        this.name = name;
    }

    /** The topic name. */
    public String name() {
        return name;
    }

    /** A subscription whose messages are read with {@link Subscription#next()}. */
    public Subscription subscribe() {
        return pubsub.subscribe(name);
    }

    /**
     * A subscription whose messages are handed to {@code handler} on a virtual thread of its own,
     * one at a time, until the subscription is cancelled.
     */
    public Subscription subscribe(Consumer<PubsubMessage> handler) {
        Subscription s = pubsub.subscribe(name);
        Thread.ofVirtual().name("pubsub-handler " + name).start(() -> {
            try {
                PubsubMessage m;
                while ((m = s.next()) != null) {
                    try {
                        handler.accept(m);
                    } catch (RuntimeException e) {
                        System.getLogger(Topic.class.getName()).log(System.Logger.Level.WARNING,
                                "pubsub handler of " + name + " failed", e);
                    }
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        return s;
    }

    /**
     * Relays the topic without receiving its messages: the node announces the subscription and
     * takes part in the mesh. Cancel the returned relay to stop.
     */
    public Subscription relay() {
        return pubsub.relay(name);
    }

    /** Sets the validator of the topic's messages (replacing any earlier one); null removes it. */
    public void validator(Validator validator) {
        pubsub.setValidator(name, validator);
    }

    /**
     * Publishes {@code data}: signs it (under the signature policy), runs the topic's validator on
     * it, delivers it to this node's subscriptions and sends it to peers. Publishing to a topic no
     * known peer subscribes to succeeds with no recipients unless
     * {@link PubsubConfig#publishToZeroPeers()} is off.
     *
     * @throws PublishException saying why it was not published: {@code TOO_LARGE} (over
     *         {@link PubsubConfig#maxMessageBytes()}), {@code REJECTED} (by the topic's validator),
     *         {@code DUPLICATE}, {@code NO_PEERS} or {@code CLOSED}
     */
    public PublishResult publish(byte[] data) throws PublishException {
        return pubsub.publish(name, data);
    }

    /** The pubsub peers subscribed to the topic. */
    public Set<PeerId> peers() {
        return pubsub.topicPeers(name);
    }

    /**
     * Waits until at least {@code n} peers are subscribed to the topic.
     *
     * @return whether they are, false if the deadline passed first
     */
    public boolean awaitPeers(int n, Duration timeout) throws InterruptedException {
        return pubsub.awaitTopicPeers(name, n, timeout);
    }

    /** Cancels every subscription and relay of this topic made through this node. */
    @Override
    public void close() {
        pubsub.leave(name);
    }

    @Override
    public String toString() {
        return "Topic[" + name + "]";
    }
}
