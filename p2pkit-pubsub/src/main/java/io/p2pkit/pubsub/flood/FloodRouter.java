package io.p2pkit.pubsub.flood;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.pubsub.MessageId;
import io.p2pkit.pubsub.PubsubMessage;
import io.p2pkit.pubsub.Router;
import io.p2pkit.pubsub.RouterContext;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Floodsub ({@code /floodsub/1.0.0}): every accepted message goes to every peer subscribed to its
 * topic, except the one it came from and its author. No control messages, no heartbeat work.
 */
public final class FloodRouter implements Router {
    /** The floodsub protocol ID. */
    public static final String PROTOCOL = "/floodsub/1.0.0";

    private RouterContext context;

    /** A floodsub router. */
    public FloodRouter() {
    }

    @Override
    public List<String> protocols() {
        return List.of(PROTOCOL);
    }

    @Override
    public void start(RouterContext context) {
        this.context = context;
    }

    @Override
    public void addPeer(PeerId peer, String protocol) {
        // floodsub keeps no per-peer state beyond what PubSub tracks
    }

    @Override
    public void removePeer(PeerId peer) {
        // nothing to forget
    }

    @Override
    public void join(String topic) {
        // subscriptions are announced by PubSub
    }

    @Override
    public void leave(String topic) {
        // nothing to tear down
    }

    @Override
    public Set<PeerId> forward(PeerId source, MessageId id, PubsubMessage message) {
        Set<PeerId> sent = new LinkedHashSet<>();
        PeerId author = message.author().orElse(null);
        for (PeerId p : context.topicPeers(message.topic())) {
            if (p.equals(source) || p.equals(author)) {
                continue;
            }
            if (context.sendMessage(p, message)) {
                sent.add(p);
            }
        }
        return sent;
    }

    @Override
    public void heartbeat() {
        // floodsub has no periodic work
    }

    @Override
    public String toString() {
        return "FloodRouter";
    }
}
