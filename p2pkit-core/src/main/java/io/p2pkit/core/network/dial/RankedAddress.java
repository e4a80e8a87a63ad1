package io.p2pkit.core.network.dial;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.Objects;

/**
 * An address to dial and how long after the start of the peer's dial to start it (unless every
 * earlier attempt has already failed, in which case it starts at once).
 */
public record RankedAddress(Multiaddr address, Duration delay) {
    public RankedAddress {
        Objects.requireNonNull(address, "address");
        Objects.requireNonNull(delay, "delay");
    }
}
