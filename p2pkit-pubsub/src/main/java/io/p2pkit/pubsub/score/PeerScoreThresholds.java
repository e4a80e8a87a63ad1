package io.p2pkit.pubsub.score;

/**
 * Score thresholds of gossipsub v1.1.
 *
 * @param gossip             below this, no gossip is exchanged with the peer
 * @param publish            below this, our own messages are not sent to the peer
 * @param graylist           below this, the peer's RPCs are ignored altogether
 * @param acceptPx           peer exchange is followed only from peers at or above this
 * @param opportunisticGraft a mesh whose median score is below this gets better peers grafted
 */
public record PeerScoreThresholds(double gossip, double publish, double graylist, double acceptPx,
                                  double opportunisticGraft) {
    /** The values Lodestar and the js implementation use with Ethereum: -4000, -8000, -16000, 100, 5. */
    public static final PeerScoreThresholds DEFAULT = new PeerScoreThresholds(-4000, -8000, -16000, 100, 5);

    public PeerScoreThresholds {
        if (gossip > 0 || publish > gossip || graylist > publish || acceptPx < 0 || opportunisticGraft < 0) {
            throw new IllegalArgumentException("need graylist <= publish <= gossip <= 0 <= acceptPx, opportunisticGraft");
        }
    }
}
