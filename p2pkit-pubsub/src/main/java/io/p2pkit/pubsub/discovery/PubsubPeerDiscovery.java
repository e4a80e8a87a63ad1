package io.p2pkit.pubsub.discovery;

import io.p2pkit.core.DecodeException;
import io.p2pkit.core.host.Host;
import io.p2pkit.core.host.PeerInfo;
import io.p2pkit.core.logging.LazyLogger;
import io.p2pkit.core.peerstore.AddressTtl;
import io.p2pkit.pubsub.PubSub;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Subscription;
import io.p2pkit.pubsub.Topic;

import java.io.Closeable;
import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Peer discovery over pubsub: every {@code interval} the node announces its key and addresses on
 * {@value #TOPIC} (as js-libp2p's pubsub-peer-discovery), and learns the peers announcing there.
 * Learned addresses go into the peer store; {@code onPeer} decides what to do (for example connect).
 */
public final class PubsubPeerDiscovery implements Closeable {
    private static final System.Logger LOG = LazyLogger.of(PubsubPeerDiscovery.class);

    /** The well-known discovery topic. */
    public static final String TOPIC = "_peer-discovery._p2p._pubsub";

    private final PubSub pubsub;
    private final Topic topic;
    private final Subscription subscription;
    private final ScheduledFuture<?> task;

    private PubsubPeerDiscovery(PubSub pubsub, Duration interval, Consumer<PeerInfo> onPeer, boolean listenOnly) {
        this.pubsub = pubsub;
        this.topic = pubsub.join(TOPIC);
        Host host = pubsub.host();
        this.subscription = topic.subscribe(m -> learn(host, m, onPeer));
        this.task = listenOnly ? null : host.scheduler().scheduleAtFixedRate(
                () -> host.spawn("pubsub-discovery announce", this::announceQuietly),
                0, interval.toMillis(), TimeUnit.MILLISECONDS);
    }

    /**
     * Starts discovery.
     *
     * @param interval   how often to announce (js uses 10 s)
     * @param onPeer     called (on a pubsub handler thread) for each announcement of another peer
     * @param listenOnly learn without announcing
     */
    public static PubsubPeerDiscovery start(PubSub pubsub, Duration interval, Consumer<PeerInfo> onPeer,
                                            boolean listenOnly) {
        return new PubsubPeerDiscovery(pubsub, interval, onPeer, listenOnly);
    }

    /** Announces this node now (to whoever is subscribed); returns how many peers it was sent to. */
    public int announce() throws IOException {
        Host host = pubsub.host();
        List<io.p2pkit.core.multiaddr.Multiaddr> addrs = host.addresses();
        byte[] data = new PeerAnnouncement(host.identity().publicKey(),
                addrs.subList(0, Math.min(addrs.size(), PeerAnnouncement.MAX_ADDRESSES))).encode();
        return topic.publish(data).recipients().size();
    }

    private void announceQuietly() {
        try {
            announce();
        } catch (IOException | RuntimeException e) {
            // retried at the next interval
            LOG.log(System.Logger.Level.DEBUG, () -> "pubsub peer discovery announcement failed: " + e);
        }
    }

    private static void learn(Host host, PubsubMessage m, Consumer<PeerInfo> onPeer) {
        PeerAnnouncement a;
        try {
            a = PeerAnnouncement.decode(m.data());
        } catch (DecodeException e) {
            return;
        }
        if (a.peerId().equals(host.peerId())) {
            return;
        }
        // With signed messages, only the author may announce itself.
        if (m.author().isPresent() && !m.author().get().equals(a.peerId())) {
            return;
        }
        host.peerStore().putPublicKey(a.peerId(), a.publicKey());
        host.peerStore().addAddresses(a.peerId(), a.addresses(), AddressTtl.TEMPORARY);
        onPeer.accept(new PeerInfo(a.peerId(), a.addresses()));
    }

    /** Stops announcing and leaves the topic. */
    @Override
    public void close() {
        if (task != null) {
            task.cancel(false);
        }
        subscription.cancel();
    }

    @Override
    public String toString() {
        return "PubsubPeerDiscovery[" + TOPIC + "]";
    }
}
