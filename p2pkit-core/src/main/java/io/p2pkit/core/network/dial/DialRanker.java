package io.p2pkit.core.network.dial;

import io.p2pkit.core.multiaddr.Multiaddr;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Orders a peer's addresses for dialing and gives each a start delay, after go-libp2p's default
 * ranker. Private (loopback, LAN) and public addresses are ranked as two groups that start at once;
 * relayed addresses come last, {@link #RELAY_DELAY} after the direct ones. Within a group QUIC goes
 * first (IPv6 at once, IPv4 one step later when both exist: happy eyeballs), and TCP and the other
 * transports follow one step after the last QUIC address, IPv6 again one step before IPv4. A step
 * is {@link #PRIVATE_DELAY} for private addresses and {@link #PUBLIC_DELAY} for public ones.
 * Transports are recognised by the address's shape, so QUIC addresses rank right as soon as a QUIC
 * transport exists.
 */
public final class DialRanker {
    /** The step between private addresses. */
    public static final Duration PRIVATE_DELAY = Duration.ofMillis(30);
    /** The step between public addresses. */
    public static final Duration PUBLIC_DELAY = Duration.ofMillis(250);
    /** How long relayed addresses wait when direct ones exist. */
    public static final Duration RELAY_DELAY = Duration.ofMillis(500);

    private DialRanker() {
    }

    /** The addresses with their delays, in the order to start them (by delay, stable). */
    public static List<RankedAddress> rank(List<Multiaddr> addresses) {
        return rank(addresses, PUBLIC_DELAY);
    }

    /** As {@link #rank(List)} with {@code publicDelay} as the step between public addresses. */
    public static List<RankedAddress> rank(List<Multiaddr> addresses, Duration publicDelay) {
        List<Multiaddr> privateAddrs = new ArrayList<>();
        List<Multiaddr> publicAddrs = new ArrayList<>();
        List<Multiaddr> relayed = new ArrayList<>();
        for (Multiaddr a : addresses) {
            if (AddressShape.isRelayed(a)) {
                relayed.add(a);
            } else if (AddressShape.isPrivate(a)) {
                privateAddrs.add(a);
            } else {
                publicAddrs.add(a);
            }
        }
        List<RankedAddress> out = new ArrayList<>();
        out.addAll(group(privateAddrs, PRIVATE_DELAY, Duration.ZERO));
        out.addAll(group(publicAddrs, publicDelay, Duration.ZERO));
        Duration relayStart = privateAddrs.isEmpty() && publicAddrs.isEmpty() ? Duration.ZERO : RELAY_DELAY;
        for (Multiaddr a : relayed) {
            out.add(new RankedAddress(a, relayStart));
        }
        out.sort(Comparator.comparing(RankedAddress::delay)); // stable: keeps the group order among equals
        return List.copyOf(out);
    }

    private static List<RankedAddress> group(List<Multiaddr> addrs, Duration step, Duration base) {
        List<Multiaddr> quic6 = new ArrayList<>();
        List<Multiaddr> quic4 = new ArrayList<>();
        List<Multiaddr> other6 = new ArrayList<>();
        List<Multiaddr> other4 = new ArrayList<>();
        for (Multiaddr a : addrs) {
            boolean v6 = AddressShape.isIp6(a);
            if (AddressShape.isQuic(a)) {
                (v6 ? quic6 : quic4).add(a);
            } else {
                (v6 ? other6 : other4).add(a);
            }
        }
        List<RankedAddress> out = new ArrayList<>();
        Duration quic4Delay = quic6.isEmpty() ? base : base.plus(step);
        quic6.forEach(a -> out.add(new RankedAddress(a, base)));
        quic4.forEach(a -> out.add(new RankedAddress(a, quic4Delay)));
        Duration otherBase = quic6.isEmpty() && quic4.isEmpty() ? base
                : (quic4.isEmpty() ? base : quic4Delay).plus(step);
        Duration other4Delay = other6.isEmpty() ? otherBase : otherBase.plus(step);
        other6.forEach(a -> out.add(new RankedAddress(a, otherBase)));
        other4.forEach(a -> out.add(new RankedAddress(a, other4Delay)));
        return out;
    }
}
