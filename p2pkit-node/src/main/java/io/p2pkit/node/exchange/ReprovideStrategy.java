package io.p2pkit.node.exchange;

import java.util.Locale;

/** What a node announces to the DHT, as Kubo's {@code Provide.Strategy} (before 0.38 {@code Reprovider.Strategy}). */
public enum ReprovideStrategy {
    /** Every block in the blockstore. */
    ALL,
    /** Every block of every pinned DAG (recursive pins whole, direct pins alone). */
    PINNED,
    /** The roots of pins only. */
    ROOTS,
    /** Every block of the MFS tree ({@code files …}) that is here. */
    MFS,
    /** {@link #PINNED} and {@link #MFS} together ({@code pinned+mfs}). */
    PINNED_MFS,
    /** Nothing (a leecher). */
    NONE;

    /**
     * @param name {@code all}, {@code pinned}, {@code roots}, {@code mfs}, {@code pinned+mfs} or {@code none}
     * @return the strategy
     * @throws IllegalArgumentException for another name
     */
    public static ReprovideStrategy parse(String name) {
        return switch (name.trim().toLowerCase(Locale.ROOT)) {
            case "all" -> ALL;
            case "pinned" -> PINNED;
            case "roots" -> ROOTS;
            case "mfs" -> MFS;
            case "pinned+mfs", "mfs+pinned" -> PINNED_MFS;
            case "none", "off" -> NONE;
            default -> throw new IllegalArgumentException("the reprovider strategy is all, pinned, roots, mfs, pinned+mfs or none, not '" + name + "'");
        };
    }

    /** @return its name as Kubo spells it */
    public String kuboName() {
        return this == PINNED_MFS ? "pinned+mfs" : name().toLowerCase(Locale.ROOT);
    }
}
