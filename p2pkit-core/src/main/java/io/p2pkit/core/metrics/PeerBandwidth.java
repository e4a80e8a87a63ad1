package io.p2pkit.core.metrics;

import io.p2pkit.core.host.Host;
import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.network.Connection;
import io.p2pkit.core.network.ConnectionListener;

import java.io.Closeable;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * The bytes a host's streams carried, by peer (what go-libp2p's BandwidthCounter keeps by peer,
 * and Kubo's {@code stats bw --peer} shows). Only connected peers are counted: a peer's counters
 * are dropped when its last connection closes, and a sweep every {@link #SWEEP_SECONDS} seconds
 * drops any left by a stream that opened as its connection closed. So the map holds at most
 * the connected peers (the connection limits bound it), and a peer that comes back starts from
 * zero. {@link HostMetrics} counts into it; find it as the host's service
 * ({@code host.service(PeerBandwidth.class)}).
 */
public final class PeerBandwidth implements Closeable {
    /** How often peers without a connection are looked for. */
    public static final long SWEEP_SECONDS = 60;

    /**
     * One peer's bytes so far.
     *
     * @param in  bytes received
     * @param out bytes sent
     */
    public record Totals(long in, long out) {
    }

    private record Counters(LongAdder in, LongAdder out) {
    }

    private final Host host;
    private final Map<PeerId, Counters> peers = new ConcurrentHashMap<>();
    private final ScheduledFuture<?> sweep;

    private PeerBandwidth(Host host) {
        this.host = host;
        host.addConnectionListener(new ConnectionListener() {
            @Override
            public void disconnected(Connection c) {
                forgetIfGone(c.remotePeer());
            }
        });
        this.sweep = host.scheduler().scheduleWithFixedDelay(
                () -> peers.keySet().forEach(this::forgetIfGone), SWEEP_SECONDS, SWEEP_SECONDS, TimeUnit.SECONDS);
    }

    /** Counts {@code host}'s peers from now on; closed with the host. */
    static PeerBandwidth attach(Host host) {
        PeerBandwidth b = new PeerBandwidth(host);
        host.addService(b);
        return b;
    }

    private void forgetIfGone(PeerId peer) {
        if (host.network().connections(peer).isEmpty()) {
            peers.remove(peer);
        }
    }

    /** Where a new stream with {@code peer} counts its bytes: {@code {received, sent}}. */
    LongConsumer[] counters(PeerId peer) {
        Counters c = peers.computeIfAbsent(peer, p -> new Counters(new LongAdder(), new LongAdder()));
        return new LongConsumer[]{c.in()::add, c.out()::add};
    }

    /** @return {@code peer}'s bytes since it connected, or empty when it is not counted (not connected) */
    public Optional<Totals> totals(PeerId peer) {
        Counters c = peers.get(peer);
        return c == null ? Optional.empty() : Optional.of(new Totals(c.in().sum(), c.out().sum()));
    }

    /** @return every counted peer's bytes */
    public Map<PeerId, Totals> all() {
        Map<PeerId, Totals> out = new java.util.HashMap<>();
        peers.forEach((p, c) -> out.put(p, new Totals(c.in().sum(), c.out().sum())));
        return out;
    }

    /** @return how many peers are counted */
    public int size() {
        return peers.size();
    }

    /** Stops the sweep. */
    @Override
    public void close() {
        sweep.cancel(false);
    }
}
