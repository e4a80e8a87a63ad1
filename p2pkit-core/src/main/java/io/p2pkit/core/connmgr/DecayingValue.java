package io.p2pkit.core.connmgr;

import io.p2pkit.core.identity.PeerId;

/**
 * The value of a decaying tag on one peer.
 *
 * @param tag           the tag's name
 * @param peer          the peer it is on
 * @param value         the current value
 * @param addedNanos    when the tag was put on the peer (the manager's clock)
 * @param lastBumpNanos when it was last bumped
 */
public record DecayingValue(String tag, PeerId peer, int value, long addedNanos, long lastBumpNanos) {
    DecayingValue withValue(int v) {
        return new DecayingValue(tag, peer, v, addedNanos, lastBumpNanos);
    }
}
