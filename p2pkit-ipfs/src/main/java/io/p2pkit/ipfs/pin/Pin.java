package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;

import java.util.Objects;

/**
 * A pin: a CID kept from garbage collection, how, and under what name ({@code pin add --name};
 * empty when none). Indirect pins, which are derived from recursive ones, have no name.
 *
 * @param cid  the pinned CID, as given when pinning
 * @param type how it is pinned
 * @param name its name, or empty
 */
public record Pin(Cid cid, PinType type, String name) {
    /** Longest name accepted, in characters. */
    public static final int MAX_NAME_LENGTH = 255;

    /** @throws IllegalArgumentException for a name over {@link #MAX_NAME_LENGTH} */
    public Pin {
        Objects.requireNonNull(cid, "cid");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(name, "name");
        if (name.length() > MAX_NAME_LENGTH) {
            throw new IllegalArgumentException("pin name of " + name.length() + " characters, over " + MAX_NAME_LENGTH);
        }
    }
}
