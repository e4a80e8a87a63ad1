package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.multiaddr.Multiaddr;

import java.util.Optional;

/**
 * What one AutoNAT v2 server found about one of the addresses we asked it to check.
 *
 * @param address      the address the server chose and dialed; empty when it refused them all
 * @param index        its index in the request (meaningless when refused)
 * @param reachability {@link Reachability#PUBLIC} when the dial back arrived with our nonce,
 *                     {@link Reachability#PRIVATE} when the server could not dial it, or
 *                     {@link Reachability#UNKNOWN} when it refused to dial any
 */
public record AddressCheck(Optional<Multiaddr> address, int index, Reachability reachability) {
    /** The server would dial none of the addresses. */
    public boolean refused() {
        return address.isEmpty();
    }
}
