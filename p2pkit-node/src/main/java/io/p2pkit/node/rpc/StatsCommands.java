package io.p2pkit.node.rpc;

import io.p2pkit.core.metrics.MetricRegistry;
import io.p2pkit.node.metrics.BandwidthMeter;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;

/**
 * {@code stats/bw}: the bytes the node's streams carried, from its {@code libp2p_bandwidth_*}
 * counters, as Kubo's {@code {"TotalIn","TotalOut","RateIn","RateOut"}}. The rates are bytes per
 * second since the previous reading (Kubo's are moving averages).
 */
final class StatsCommands {
    private final MetricRegistry registry;
    private final AtomicReference<Reading> last = new AtomicReference<>();

    /** Totals at an instant. */
    private record Reading(long nanos, double in, double out) {
    }

    private StatsCommands(MetricRegistry registry) {
        this.registry = registry;
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
        double in = totals[0];
        double out = totals[1];
        Reading now = new Reading(System.nanoTime(), in, out);
        Reading before = protocol.isEmpty() ? last.getAndSet(now) : null;
        double seconds = before == null ? 0 : (now.nanos() - before.nanos()) / 1e9;
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("TotalIn", (long) in);
        o.put("TotalOut", (long) out);
        o.put("RateIn", seconds > 0 ? (in - before.in()) / seconds : 0.0);
        o.put("RateOut", seconds > 0 ? (out - before.out()) / seconds : 0.0);
        return o;
    }
}
