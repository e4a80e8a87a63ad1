package io.p2pkit.nat.autonat;

import io.p2pkit.core.host.HostReachability;
import io.p2pkit.core.host.Reachability;
import io.p2pkit.core.metrics.Counter;
import io.p2pkit.core.metrics.MetricRegistry;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * AutoNAT's metrics (what go's autonat and autonatv2 tracers count): requests served by outcome
 * (refusals by reason), the client's results, the current reachability and its confidence. Nothing
 * is counted until {@link #register} names a registry.
 */
final class AutoNatMetrics {
    private final AtomicReference<Counter> served = new AtomicReference<>();
    private final AtomicReference<Counter> results = new AtomicReference<>();

    /** Registers the families in {@code registry}; the gauges read {@code reachability} at each scrape. */
    void register(MetricRegistry registry, HostReachability reachability, IntSupplier confidence) {
        served.set(registry.counter("p2pkit_autonat_server_requests_total",
                "AutoNAT requests this node served, by version and outcome (ok, dial_error, dial_back_error, or the "
                        + "refusal's reason)", "version", "outcome"));
        results.set(registry.counter("p2pkit_autonat_client_results_total",
                "AutoNAT answers this node got as a client, by version and result (public, private, refused, error)",
                "version", "result"));
        registry.gaugeCallback("p2pkit_autonat_reachability",
                "The node's reachability as AutoNAT found it: 1 for the current state, 0 for the others",
                List.of("state"), () -> {
                    Reachability now = reachability.reachability();
                    return Map.of(List.of("unknown"), now == Reachability.UNKNOWN ? 1.0 : 0.0,
                            List.of("public"), now == Reachability.PUBLIC ? 1.0 : 0.0,
                            List.of("private"), now == Reachability.PRIVATE ? 1.0 : 0.0);
                });
        registry.gaugeCallback("p2pkit_autonat_reachability_confidence",
                "How many further contrary AutoNAT results it takes to change the reachability (0 to 3, as go)",
                List.of(), () -> Map.of(List.of(), (double) confidence.getAsInt()));
        registry.gaugeCallback("p2pkit_autonat_addresses",
                "Addresses AutoNAT confirmed reachable or unreachable", List.of("reachability"),
                () -> Map.of(List.of("reachable"), (double) reachability.reachableAddresses().size(),
                        List.of("unreachable"), (double) reachability.unreachableAddresses().size()));
    }

    /** A request served with {@code outcome} (a status name or a refusal reason). */
    void served(String version, String outcome) {
        Counter c = served.get();
        if (c != null) {
            c.inc(version, label(outcome));
        }
    }

    /** An answer the client got. */
    void result(String version, String result) {
        Counter c = results.get();
        if (c != null) {
            c.inc(version, label(result));
        }
    }

    private static String label(String s) {
        String l = s.toLowerCase(Locale.ROOT);
        return l.startsWith("e_") ? l.substring(2) : l;
    }
}
