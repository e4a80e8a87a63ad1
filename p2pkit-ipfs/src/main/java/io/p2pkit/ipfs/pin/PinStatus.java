package io.p2pkit.ipfs.pin;

import io.p2pkit.core.multiformats.Cid;

import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * How a CID is pinned, and, for an indirect pin, through which recursive pin: what boxo's
 * {@code CheckIfPinned} reports and Kubo prints ({@code indirect through <root>} in
 * {@code pin ls}, {@code pinned via <root>} when {@code block rm} refuses).
 *
 * @param pin the pin
 * @param via for an indirect pin, the recursive pin whose DAG holds the CID; empty otherwise
 */
public record PinStatus(Pin pin, Optional<Cid> via) {
    /** @throws IllegalArgumentException when {@code via} is given for a pin that is not indirect */
    public PinStatus {
        Objects.requireNonNull(pin, "pin");
        Objects.requireNonNull(via, "via");
        if (via.isPresent() && pin.type() != PinType.INDIRECT) {
            throw new IllegalArgumentException("only an indirect pin comes through another");
        }
    }

    /**
     * Kubo's {@code pin ls} type of a CID asked about: {@code recursive}, {@code direct}, or
     * {@code indirect through <root>}, the root written by {@code encoder}.
     */
    public String kuboType(Function<Cid, String> encoder) {
        return via.map(root -> "indirect through " + encoder.apply(root)).orElse(pin.type().kuboName());
    }

    /** Kubo's reason for not removing a pinned block: {@code pinned: recursive}, or {@code pinned via <root>}. */
    public String kuboRemovalError() {
        return via.map(root -> "pinned via " + root).orElse("pinned: " + pin.type().kuboName());
    }
}
