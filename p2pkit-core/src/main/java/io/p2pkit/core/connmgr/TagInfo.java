package io.p2pkit.core.connmgr;

import java.util.Map;

/**
 * What the connection manager knows of a peer.
 *
 * @param firstSeenNanos when its first current connection opened (the manager's clock)
 * @param value          the sum of its tags and decaying tags, which trimming ranks peers by
 * @param tags           its tags and decaying tags with their values
 * @param connections    how many connections it has
 */
public record TagInfo(long firstSeenNanos, int value, Map<String, Integer> tags, int connections) {
    public TagInfo {
        tags = Map.copyOf(tags);
    }
}
