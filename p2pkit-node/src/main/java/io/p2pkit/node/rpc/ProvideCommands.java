package io.p2pkit.node.rpc;

import io.p2pkit.core.multiformats.Cid;
import io.p2pkit.node.cli.content.CidArgument;
import io.p2pkit.node.cli.content.GoTime;
import io.p2pkit.node.cli.content.TabTable;
import io.p2pkit.node.config.GoDurations;
import io.p2pkit.node.exchange.DagKeys;
import io.p2pkit.node.exchange.ReprovideStrategy;
import io.p2pkit.node.exchange.Reprovider;
import io.p2pkit.node.exchange.SweepStats;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code routing/reprovide} (and Kubo's deprecated {@code bitswap/reprovide}): announce what the
 * strategy names now, waiting until it is done; {@code provide/stat} (and the deprecated
 * {@code stats/provide}, {@code stats/reprovide}): what the reprovider did, in the shape of Kubo
 * 0.39's sweeping provider (its default), or of its legacy provider when the sweep is off
 * ({@code Provide.DHT.SweepEnabled=false}); {@code provide/clear}: empties the queue of
 * keys waiting for their first announcement and answers how many it held; {@code provide/once}:
 * announces the CIDs given now, outside the schedule.
 */
final class ProvideCommands {
    /** The settings that turn announcing off, any of which a node that announces nothing has. */
    static final String PROVIDING_OFF = "Provide.Enabled false, Provide.DHT.Interval 0, Provide.Strategy none or "
            + "--role leecher";

    /**
     * Kubo's refusal when providing is off ({@code invalid configuration: Provide.Enabled is set to
     * 'false'}); a p2pkit node may have turned it off in several ways, so all are named.
     */
    static RpcError nothingAnnounced() {
        return RpcError.failed("invalid configuration: this node announces nothing (" + PROVIDING_OFF + ")");
    }

    /** Whether the node has content and its strategy announces none of it. */
    static boolean announcesNothing(RpcRequest req) {
        return req.node().config().content().map(c -> c.reprovide() == ReprovideStrategy.NONE).orElse(false);
    }

    /** The section flags of Kubo's sweep-provider statistics, which the legacy shape refuses. */
    private static final List<String> SWEEP_FLAGS = List.of("all", "connectivity", "queues", "schedule", "network",
            "timings", "operations", "workers");

    private ProvideCommands() {
    }

    static List<RpcCommand> all() {
        RpcCommand reprovide = RpcCommand.at("routing/reprovide").run(ProvideCommands::reprovide);
        RpcOption[] statOptions = {RpcOption.bool("lan"), RpcOption.bool("all", "a"), RpcOption.bool("compact"),
                RpcOption.bool("connectivity"), RpcOption.bool("network"), RpcOption.bool("schedule"),
                RpcOption.bool("timings"), RpcOption.bool("workers"), RpcOption.bool("operations"),
                RpcOption.bool("queues")};
        RpcCommand stat = RpcCommand.at("provide/stat").options(statOptions).text(ProvideCommands::statText)
                .run(ProvideCommands::stat);
        RpcCommand clear = RpcCommand.at("provide/clear").options(RpcOption.bool("quiet", "q"))
                .text((req, n) -> "removed " + n + " items from provide queue\n").run(ProvideCommands::clear);
        RpcCommand once = RpcCommand.at("provide/once").args(RpcArgument.string("cid", true, true).withStdin())
                .options(RpcOption.bool("recursive", "r")).text((req, v) -> ((Map<?, ?>) v).get("Queued") + "\n")
                .run(ProvideCommands::once);
        return List.of(reprovide, reprovide.alias("bitswap/reprovide"), stat, stat.alias("stats/provide"),
                stat.alias("stats/reprovide"), clear, once);
    }

    /**
     * Kubo 0.42's {@code provide once}: each CID given (the arguments, then the body's lines, read
     * as they come) and, with {@code recursive}, every block of its DAG, queued once for an
     * announcement outside any schedule, one {@code {"Queued":<cid>}} each as it is queued. A root
     * must be here; a recursive walk fetches what it lacks, as Kubo's. A full queue holds the
     * command back, so a stream of any length does not grow the daemon's memory.
     */
    private static void once(RpcRequest req, RpcResponse res) throws Exception {
        var content = NodeContent.content(req);
        Reprovider reprovider = content.reprovider().orElseThrow(() -> RpcError.failed(
                "cannot provide: this node announces nothing (no DHT, or " + PROVIDING_OFF + ")"));
        if (req.node().host().network().connections().isEmpty()) {
            throw RpcError.failed("cannot provide: no connected peers");
        }
        boolean recursive = req.bool("recursive");
        var local = content.repository().blocks().local();
        DagKeys keys = new DagKeys(FetchingBlocks.of(req), io.p2pkit.node.cli.options.RepoOption.codecs(true));
        DagKeys.Each queue = cid -> {
            reprovider.provideOnce(cid.multihash(), NodeContent.FETCH_IDLE);
            res.emit(Map.of("Queued", cid.toString()));
        };
        for (String arg : req.arguments()) {
            onceFor(arg, local, keys, recursive, queue);
        }
        for (java.util.Optional<String> line; (line = req.nextBodyArgument()).isPresent(); ) {
            String arg = GoStrings.trimSpace(line.get());
            if (!arg.isEmpty()) {
                onceFor(arg, local, keys, recursive, queue);
            }
        }
    }

    private static void onceFor(String arg, io.p2pkit.ipfs.blockstore.Blockstore local, DagKeys keys, boolean recursive,
                                DagKeys.Each queue) throws Exception {
        Cid cid;
        try {
            cid = Cid.parse(CidArgument.rootOfUri(arg).orElse(arg));
        } catch (IllegalArgumentException e) {
            throw RpcError.failed("invalid CID \"" + arg + "\": " + e.getMessage());
        }
        if (!local.has(cid.multihash())) {
            throw RpcError.failed("block " + cid + " not found locally, cannot provide");
        }
        try {
            keys.walk(cid, recursive, queue);
        } catch (io.p2pkit.node.cli.content.BlockNotFoundException e) {
            throw RpcError.failed("block " + e.cid() + " not found locally, cannot provide");
        }
    }

    /**
     * Kubo's {@code provide clear}: the count of keys dropped from the queue, nothing with
     * {@code quiet}. A node that announces nothing has an empty queue (Kubo's no-op provider answers 0).
     */
    private static void clear(RpcRequest req, RpcResponse res) throws Exception {
        int cleared = req.node().content().flatMap(c -> c.reprovider()).map(Reprovider::clear).orElse(0);
        if (!req.bool("quiet")) {
            res.emit(cleared);
        }
    }

    private static void reprovide(RpcRequest req, RpcResponse res) throws Exception {
        var content = NodeContent.content(req);
        if (announcesNothing(req)) {
            throw nothingAnnounced();
        }
        // Without a DHT there is nowhere to announce to; Kubo with Routing.Type none also answers at once.
        if (content.reprovider().isPresent()) {
            try {
                content.reprovider().get().reprovide();
            } catch (Reprovider.AlreadyRunningException e) {
                throw RpcError.failed(e.getMessage());
            }
        }
    }

    private static void stat(RpcRequest req, RpcResponse res) throws Exception {
        Reprovider reprovider = NodeContent.content(req).reprovider().orElseThrow(() -> RpcError.failed(
                "stats not available with current routing system: this node announces nothing (no DHT, or "
                        + PROVIDING_OFF + ")"));
        if (req.bool("lan")) {
            throw RpcError.failed("LAN stats only available for Sweep provider with Dual DHT");
        }
        Optional<SweepStats> sweep = reprovider.sweepStats();
        if (sweep.isPresent()) {
            res.emit(new SweepAnswer(sweep.get()));
            return;
        }
        Reprovider.Stats s = reprovider.stats();
        Map<String, Object> legacy = new LinkedHashMap<>();
        legacy.put("TotalReprovides", s.totalKeys());
        legacy.put("LastReprovideBatchSize", s.lastKeys());
        legacy.put("ReprovideInterval", s.interval().toNanos());
        legacy.put("AvgReprovideDuration", s.averageNanosPerKey());
        legacy.put("LastReprovideDuration", s.lastNanos());
        legacy.put("LastRun", s.lastRun().map(GoTime::rfc3339).orElse(GoTime.ZERO));
        Map<String, Object> o = new LinkedHashMap<>();
        o.put("Sweep", null);
        o.put("Legacy", legacy);
        o.put("FullRT", false);
        res.emit(o);
    }

    /**
     * Kubo's answer for a sweeping provider: {@code {"Sweep":{…},"Legacy":null,"FullRT":false}},
     * the statistics under go-libp2p-kad-dht's JSON names (durations in nanoseconds, times as
     * RFC 3339, the next prefix as bits); the text encoder takes them from {@link #stats}.
     */
    private static final class SweepAnswer extends LinkedHashMap<String, Object> {
        private static final long serialVersionUID = 1L;
        private final transient SweepStats stats;

        SweepAnswer(SweepStats s) {
            this.stats = s;
            Map<String, Object> sweep = new LinkedHashMap<>();
            sweep.put("closed", s.closed());
            sweep.put("connectivity", map("status", s.connectivity().status(), "since",
                    s.connectivity().since().map(GoTime::rfc3339).orElse(GoTime.ZERO)));
            SweepStats.Queues q = s.queues();
            sweep.put("queues", map("pending_key_provides", q.pendingKeyProvides(), "pending_region_provides",
                    q.pendingRegionProvides(), "pending_region_reprovides", q.pendingRegionReprovides()));
            SweepStats.Schedule sc = s.schedule();
            sweep.put("schedule", map("keys", sc.keys(), "regions", sc.regions(), "avg_prefix_length",
                    sc.avgPrefixLength(), "next_reprovide_at", sc.nextReprovideAt().map(GoTime::rfc3339)
                            .orElse(GoTime.ZERO), "next_reprovide_prefix", sc.nextReprovidePrefix()));
            SweepStats.Workers w = s.workers();
            sweep.put("workers", map("max", w.max(), "active", w.active(), "active_periodic", w.activePeriodic(),
                    "active_burst", w.activeBurst(), "dedicated_periodic", w.dedicatedPeriodic(), "dedicated_burst",
                    w.dedicatedBurst(), "queued_periodic", w.queuedPeriodic(), "queued_burst", w.queuedBurst(),
                    "max_provide_conns_per_worker", w.maxProvideConnsPerWorker()));
            SweepStats.Timing t = s.timing();
            sweep.put("timing", map("uptime", t.uptime().toNanos(), "reprovides_interval",
                    t.reprovidesInterval().toNanos(), "cycle_start", GoTime.rfc3339(t.cycleStart()),
                    "current_time_offset", t.currentTimeOffset().toNanos(), "max_reprovide_delay",
                    t.maxReprovideDelay().toNanos()));
            SweepStats.Operations o = s.operations();
            sweep.put("operations", map("ongoing", map("region_provides", o.ongoingRegionProvides(), "key_provides",
                    o.ongoingKeyProvides(), "region_reprovides", o.ongoingRegionReprovides(), "key_reprovides",
                    o.ongoingKeyReprovides()), "past", map("records_provided", o.recordsProvided(), "keys_provided",
                    o.keysProvided(), "keys_failed", o.keysFailed(), "keys_provided_per_minute",
                    o.keysProvidedPerMinute(), "keys_reprovided_per_minute", o.keysReprovidedPerMinute(),
                    "reprovide_duration", o.regionReprovideDuration().toNanos(), "avg_keys_per_reprovide",
                    o.avgKeysPerReprovide(), "regions_reprovided_last_cycle", o.regionsReprovidedLastCycle())));
            SweepStats.Network n = s.network();
            sweep.put("network", map("peers", n.peers(), "reachable", n.reachable(), "complete_keyspace_coverage",
                    n.completeKeyspaceCoverage(), "avg_region_size", n.avgRegionSize(), "avg_holders", n.avgHolders(),
                    "replication_factor", n.replicationFactor()));
            put("Sweep", sweep);
            put("Legacy", null);
            put("FullRT", false);
        }

        private static Map<String, Object> map(Object... keysAndValues) {
            Map<String, Object> m = new LinkedHashMap<>();
            for (int i = 0; i < keysAndValues.length; i += 2) {
                m.put((String) keysAndValues[i], keysAndValues[i + 1]);
            }
            return m;
        }
    }

    /**
     * Kubo's text: a sweeping provider's sections ({@link SweepStatText}), or the legacy
     * statistics' four aligned lines, numbers and durations made readable.
     */
    static String statText(RpcRequest req, Object value) {
        if (value instanceof SweepAnswer sweep) {
            return SweepStatText.render(sweep.stats, new SweepStatText.Flags(req.bool("all"), req.bool("compact"),
                    req.bool("connectivity"), req.bool("queues"), req.bool("schedule"), req.bool("network"),
                    req.bool("timings"), req.bool("operations"), req.bool("workers")), Instant.now(),
                    java.time.ZoneId.systemDefault());
        }
        if (SWEEP_FLAGS.stream().anyMatch(req::bool)) {
            throw RpcError.failed("cannot use flags with legacy provide stats");
        }
        Map<?, ?> legacy = value instanceof Map<?, ?> m && m.get("Legacy") instanceof Map<?, ?> l ? l : Map.of();
        TabTable table = new TabTable(1, 1);
        table.line("TotalReprovides:\t" + humanNumber(number(legacy, "TotalReprovides")));
        table.line("AvgReprovideDuration:\t" + humanDuration(number(legacy, "AvgReprovideDuration")));
        table.line("LastReprovideDuration:\t" + humanDuration(number(legacy, "LastReprovideDuration")));
        Object lastRun = legacy.get("LastRun");
        if (lastRun instanceof String t && !t.startsWith("0001-01-01")) {
            table.line("LastReprovide:\t" + DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
                    .format(java.time.OffsetDateTime.parse(t)));
        }
        return table.flush();
    }

    private static long number(Map<?, ?> m, String key) {
        return m.get(key) instanceof Number n ? n.longValue() : 0;
    }

    /** Kubo's humanDuration: to 100 ms above a second, to the microsecond below. */
    static String humanDuration(long nanos) {
        long unit = nanos > 1_000_000_000L ? 100_000_000L : 1_000L;
        return GoDurations.format(Duration.ofNanos(nanos - nanos % unit));
    }

    /** Kubo's humanNumber: go-humanize's SI form, and the full number beside it when they differ. */
    static String humanNumber(long n) {
        String si = SweepStatText.si(n, 0);
        String full = SweepStatText.full(n, 0);
        return si.equals(full) ? si : si + "\t(" + full + ")";
    }
}
