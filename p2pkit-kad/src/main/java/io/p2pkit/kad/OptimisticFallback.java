package io.p2pkit.kad;

/**
 * What an optimistic provide does when the network-size estimate cannot be used (too few lookups,
 * old ones, or ones made with a routing table of another size).
 */
public enum OptimisticFallback {
    /** Provide the classic way (go-libp2p-kad-dht does this when its estimator has too little data). */
    CLASSIC,
    /**
     * Refresh the routing table first (a self-lookup and one lookup per bucket, which measure the
     * network anew), then provide optimistically if the estimate is usable, classically otherwise.
     * Costs a refresh's messages once, which pays when many keys are provided in a row.
     */
    REFRESH
}
