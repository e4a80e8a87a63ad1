/**
 * Publish/subscribe: {@code PubSub} on a host with gossipsub or floodsub, topics, subscriptions,
 * validators, peer scoring and pubsub peer discovery, and the {@code Router} SPI. The engine behind
 * {@code PubSub} ({@code io.p2pkit.pubsub.engine}) and the simulation that drives engines in
 * virtual time ({@code io.p2pkit.pubsub.simulation}, run by scripts/sim-pubsub) are internal.
 */
module io.p2pkit.pubsub {
    requires transitive io.p2pkit.core;

    exports io.p2pkit.pubsub;
    exports io.p2pkit.pubsub.discovery;
    exports io.p2pkit.pubsub.flood;
    exports io.p2pkit.pubsub.gossip;
    exports io.p2pkit.pubsub.score;
}
