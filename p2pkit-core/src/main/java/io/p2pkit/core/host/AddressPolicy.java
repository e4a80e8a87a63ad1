package io.p2pkit.core.host;

import io.p2pkit.core.multiaddr.Component;
import io.p2pkit.core.multiaddr.IpNetwork;
import io.p2pkit.core.multiaddr.Multiaddr;
import io.p2pkit.core.multiaddr.Protocol;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Which of its addresses the host announces (identify, and through it the DHT and relays), as
 * Kubo's {@code Addresses.Announce}, {@code AppendAnnounce} and {@code NoAnnounce} shape go-libp2p's
 * address factory: the announce list, when not empty, takes the place of every address found; the
 * append list is added; then every address equal to a no-announce entry, or whose IP lies in a
 * no-announce mask ({@code /ip4/10.0.0.0/ipcidr/8}, {@code /ip6/fd00::/ipcidr/8}), is left out.
 */
public final class AddressPolicy {
    /** Announces what the host finds, unchanged. */
    public static final AddressPolicy DEFAULT = new AddressPolicy(List.of(), List.of(), List.of());

    private final List<Multiaddr> announce;
    private final List<Multiaddr> append;
    private final List<Multiaddr> noAnnounce;
    private final List<Multiaddr> exact = new ArrayList<>();
    private final List<IpNetwork> masks = new ArrayList<>();

    /**
     * @param announce   announced instead of the addresses found, when not empty
     * @param append     announced besides them
     * @param noAnnounce addresses, or {@code /ip4|ip6/<ip>/ipcidr/<bits>} masks, never announced
     */
    public AddressPolicy(List<Multiaddr> announce, List<Multiaddr> append, List<Multiaddr> noAnnounce) {
        this.announce = List.copyOf(announce);
        this.append = List.copyOf(append);
        this.noAnnounce = List.copyOf(noAnnounce);
        for (Multiaddr a : this.noAnnounce) {
            mask(a).ifPresentOrElse(masks::add, () -> exact.add(a));
        }
    }

    /** The network of a two-part {@code /ip4|ip6/<ip>/ipcidr/<bits>} address, as go-multiaddr's masks. */
    private static Optional<IpNetwork> mask(Multiaddr a) {
        List<Component> c = a.components();
        if (c.size() != 2 || c.get(1).protocol() != Protocol.IPCIDR
                || c.get(0).protocol() != Protocol.IP4 && c.get(0).protocol() != Protocol.IP6) {
            return Optional.empty();
        }
        return Optional.of(IpNetwork.parse(c.get(0).valueString() + "/" + c.get(1).valueString()));
    }

    /** @return the addresses announced instead of those found (empty: those found) */
    public List<Multiaddr> announce() {
        return announce;
    }

    /** @return the addresses announced besides */
    public List<Multiaddr> append() {
        return append;
    }

    /** @return the addresses and masks never announced */
    public List<Multiaddr> noAnnounce() {
        return noAnnounce;
    }

    /** What is announced when the host found {@code found}, each address once. */
    public List<Multiaddr> apply(List<Multiaddr> found) {
        if (announce.isEmpty() && append.isEmpty() && noAnnounce.isEmpty()) {
            return found;
        }
        List<Multiaddr> out = new ArrayList<>();
        for (List<Multiaddr> part : List.of(announce.isEmpty() ? found : announce, append)) {
            for (Multiaddr a : part) {
                if (!out.contains(a) && !exact.contains(a) && !masked(a)) {
                    out.add(a);
                }
            }
        }
        return out;
    }

    private boolean masked(Multiaddr a) {
        if (masks.isEmpty()) {
            return false;
        }
        Component first = a.components().getFirst();
        if (first.protocol() != Protocol.IP4 && first.protocol() != Protocol.IP6) {
            return false;
        }
        try {
            InetAddress ip = InetAddress.getByAddress(first.value()); // bytes: no name is looked up
            return masks.stream().anyMatch(m -> m.contains(ip));
        } catch (UnknownHostException e) {
            return false;
        }
    }

    @Override
    public String toString() {
        return "AddressPolicy[announce=" + announce + ", append=" + append + ", noAnnounce=" + noAnnounce + "]";
    }
}
