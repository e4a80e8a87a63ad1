package io.p2pkit.node.rpc;

import io.p2pkit.core.identity.PeerId;
import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.core.metrics.PeerBandwidth;
import io.p2pkit.node.metrics.BandwidthMeter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code stats/bw}: the bytes the node's streams carried, from its {@code libp2p_bandwidth_*}
 * counters (all, or one protocol's) or its {@link PeerBandwidth} (one connected peer's), as
 * Kubo's {@code {"TotalIn","TotalOut","RateIn","RateOut"}}, the rates moving averages over
 * one-second ticks as Kubo's ({@link MovingRates}).
 */
final class StatsCommands {
    private final MetricRegistry registry;
    private final MovingRates rates;

    private StatsCommands(MetricRegistry registry) {
        this.registry = registry;
        this.rates = new MovingRates(registry);
    }

    static List<RpcCommand> all(MetricRegistry registry) {
        StatsCommands stats = new StatsCommands(registry);
        return List.of(RpcCommand.at("stats/bw")
                .options(RpcOption.string("peer", "p"), RpcOption.string("proto", "t"), RpcOption.bool("poll"),
                        RpcOption.string("interval", "i").withDefault("1s"))
                .run(stats::bw));
    }

    private void bw(RpcRequest req, RpcResponse res) throws Exception {
        Optional<String> protocol = req.string("proto");
        Optional<String> peerText = req.string("peer");
        if (peerText.isPresent() && protocol.isPresent()) {
            throw RpcError.client("please only specify peer OR protocol");
        }
        Optional<PeerId> peer = peerText.map(StatsCommands::peerId);
        Optional<PeerBandwidth> byPeer = req.node().host().service(PeerBandwidth.class);
        rates.start(req.node().host().scheduler(), () -> byPeer.map(StatsCommands::totals).orElse(Map.of()));
        if (!req.bool("poll")) {
            res.emit(peer.isPresent() ? snapshot(peer.get(), byPeer) : snapshot(protocol));
            return;
        }
        Duration interval = GoDuration.parse(req.string("interval").orElse("1s"));
        if (interval.isZero()) {
            throw RpcError.failed("interval must be greater than 0");
        }
        while (!req.cancelled()) {
            res.emit(peer.isPresent() ? snapshot(peer.get(), byPeer) : snapshot(protocol));
            Thread.sleep(interval);
        }
    }

    private static PeerId peerId(String text) {
        try {
            return PeerId.parse(text);
        } catch (IllegalArgumentException e) { // DecodeException too
            throw RpcError.failed("failed to parse peer ID: " + e.getMessage());
        }
    }

    private static Map<PeerId, long[]> totals(PeerBandwidth b) {
        Map<PeerId, long[]> out = new java.util.HashMap<>();
        b.all().forEach((p, t) -> out.put(p, new long[]{t.in(), t.out()}));
        return out;
    }

    /** One peer's bytes since it connected and its rates; zeros for a peer not connected, as Kubo's. */
    private Map<String, Object> snapshot(PeerId peer, Optional<PeerBandwidth> byPeer) {
        PeerBandwidth.Totals t = byPeer.flatMap(b -> b.totals(peer)).orElse(new PeerBandwidth.Totals(0, 0));
        MovingRates.Flow flow = rates.peer(peer);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("TotalIn", t.in());
        o.put("TotalOut", t.out());
        o.put("RateIn", flow.rateIn());
        o.put("RateOut", flow.rateOut());
        return o;
    }

    private Map<String, Object> snapshot(Optional<String> protocol) {
        long[] totals = BandwidthMeter.totals(registry, protocol);
        MovingRates.Flow flow = rates.flow(protocol);
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("TotalIn", totals[0]);
        o.put("TotalOut", totals[1]);
        o.put("RateIn", flow.rateIn());
        o.put("RateOut", flow.rateOut());
        return o;
    }
}
