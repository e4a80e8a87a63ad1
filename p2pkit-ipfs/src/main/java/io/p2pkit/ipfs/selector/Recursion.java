package io.p2pkit.ipfs.selector;

/**
 * An {@link Selector.ExploreRecursive} part way through its walk: the sequence it restarts at
 * each edge, the selector for the current node, and how many restarts are left (-1: no limit).
 * Only {@link Explorer} makes these.
 */
record Recursion(Selector sequence, Selector current, long depthLeft) implements Selector {
}
