package io.p2pkit.ipfs.bitswap;

/**
 * Which peers hear a want nobody in its session has (Kubo 0.36's {@code
 * Internal.Bitswap.BroadcastControl}, boxo's broadcast reduction): not every connected peer, but
 * those that sent this node a block or a HAVE before, those on a local network and those kept by
 * peering, and a few others at random; the rest learn of the want only if a provider lookup names
 * them. On a node with hundreds of DHT connections that is most of the broadcast traffic saved.
 *
 * @param enabled            off: every connected peer hears every broadcast (Kubo before 0.36)
 * @param maxPeers           at most this many peers hear one broadcast; -1 no bound, 0 none at all
 * @param localPeers         true: peers on loopback, private or link-local addresses (or none
 *                           known) are reduced like the others; false: they always hear it
 * @param peeredPeers        true: peers kept by peering are reduced like the others; false: they always hear it
 * @param maxRandomPeers     peers that are not targets but hear a broadcast anyway
 * @param sendToPendingPeers peers with a message already queued to them hear it too (it rides along)
 */
public record BroadcastControl(boolean enabled, int maxPeers, boolean localPeers, boolean peeredPeers,
                               int maxRandomPeers, boolean sendToPendingPeers) {
    /** Kubo's defaults: on, no bound, local and peered peers always asked, no random ones. */
    public static final BroadcastControl DEFAULT = new BroadcastControl(true, -1, false, false, 0, false);
    /** Every peer hears every broadcast. */
    public static final BroadcastControl OFF = new BroadcastControl(false, -1, false, false, 0, false);

    /** Checks the values. */
    public BroadcastControl {
        if (maxPeers < -1) {
            throw new IllegalArgumentException("broadcast control's peer limit is -1 (none), 0 or more, not " + maxPeers);
        }
        if (maxRandomPeers < 0) {
            throw new IllegalArgumentException("broadcast control's random peers cannot be negative: " + maxRandomPeers);
        }
    }
}
