package io.p2pkit.ipfs.pin;

import java.util.EnumSet;
import java.util.Locale;
import java.util.Set;

/** The kinds of pin, as Kubo defines them ({@code ipfs pin ls --type}). */
public enum PinType {
    /** The block and everything it links to, transitively. */
    RECURSIVE,
    /** The block alone. */
    DIRECT,
    /** Reachable from a recursive pin: not a pin of its own, kept because of one. */
    INDIRECT;

    /** Every type, as {@code --type=all} selects. */
    public static final Set<PinType> ALL = Set.copyOf(EnumSet.allOf(PinType.class));

    /** @return the name Kubo prints: {@code recursive}, {@code direct} or {@code indirect} */
    public String kuboName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * The types a {@code --type} value selects.
     *
     * @param name {@code all}, {@code recursive}, {@code direct} or {@code indirect}
     * @return the types
     * @throws IllegalArgumentException for any other value
     */
    public static Set<PinType> select(String name) {
        return switch (name) {
            case "all" -> ALL;
            case "recursive" -> Set.of(RECURSIVE);
            case "direct" -> Set.of(DIRECT);
            case "indirect" -> Set.of(INDIRECT);
            default -> throw new IllegalArgumentException("invalid pin type '" + name
                    + "': must be one of {direct, indirect, recursive, all}");
        };
    }
}
