package io.p2pkit.node.rpc;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.metrics.BandwidthMeter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code stats/bw}: the bytes the node's streams carried, from its {@code libp2p_bandwidth_*}
 * counters, as Kubo's {@code {"TotalIn","TotalOut","RateIn","RateOut"}}, the rates moving averages
 * over one-second ticks as Kubo's ({@link MovingRates}).
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
        if (req.has("peer")) {
            throw RpcError.failed("this node counts bytes by protocol, not by peer: drop --peer");
        }
        Optional<String> protocol = req.string("proto");
        rates.start(req.node().host().scheduler());
        if (!req.bool("poll")) {
            res.single(snapshot(protocol));
            return;
        }
        Duration interval = GoDuration.parse(req.string("interval").orElse("1s"));
        if (interval.isZero()) {
            throw RpcError.failed("interval must be greater than 0");
        }
        while (!req.cancelled()) {
            res.emit(snapshot(protocol));
            Thread.sleep(interval);
        }
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
