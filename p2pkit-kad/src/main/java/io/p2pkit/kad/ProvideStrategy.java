package io.p2pkit.kad;

/** How a provide went about reaching the closest peers. */
public enum ProvideStrategy {
    /** The classic provide was asked for: a converged lookup, then ADD_PROVIDER to the k closest. */
    CLASSIC,
    /** Optimistic provide with the network-size estimate at hand. */
    OPTIMISTIC,
    /** Optimistic provide after a refresh renewed the estimate ({@link OptimisticFallback#REFRESH}). */
    OPTIMISTIC_AFTER_REFRESH,
    /** Optimistic provide was asked for, but the estimate could not be used: the classic provide ran. */
    CLASSIC_FALLBACK
}
