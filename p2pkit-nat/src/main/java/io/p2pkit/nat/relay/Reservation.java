package io.p2pkit.nat.relay;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.network.ConnectionLimit;

import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * A slot reserved on a relay, as the client checked it.
 *
 * @param relay      the relay
 * @param expiration when it ends unless renewed
 * @param addresses  the relay's addresses, each ending in {@code /p2p/<relay>} (what the relay sent,
 *                   and the address we reached it at); the relayed addresses are these plus
 *                   {@code /p2p-circuit}
 * @param limit      what each relayed connection may use, if the relay limits them
 * @param voucher    the relay's signed voucher, verified; empty when the relay sent none (rust-libp2p)
 */
public record Reservation(PeerId relay, Instant expiration, List<Multiaddr> addresses,
                          Optional<ConnectionLimit> limit, Optional<ReservationVoucher> voucher) {
    public Reservation {
        Objects.requireNonNull(relay, "relay");
        Objects.requireNonNull(expiration, "expiration");
        addresses = List.copyOf(addresses);
        Objects.requireNonNull(limit, "limit");
        Objects.requireNonNull(voucher, "voucher");
    }

    /** The addresses other peers reach us at through this relay: each relay address plus {@code /p2p-circuit}. */
    public List<Multiaddr> relayedAddresses() {
        return addresses.stream().map(a -> a.encapsulate("/p2p-circuit")).toList();
    }
}
