package io.p2pkit.nat.autorelay;

import io.p2pkit.core.metrics.Counter;
import io.p2pkit.core.metrics.MetricRegistry;

import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntSupplier;

/**
 * AutoRelay's metrics, after go-libp2p's autorelay tracer: whether the relay finder is active,
 * reservations opened and closed, reservation requests by outcome, candidates added and removed
 * (and how many there are), relays held and wanted. Nothing is counted until {@link #register}.
 */
final class AutoRelayMetrics {
    private final AtomicReference<Counter> reservations = new AtomicReference<>();
    private final AtomicReference<Counter> requests = new AtomicReference<>();
    private final AtomicReference<Counter> candidates = new AtomicReference<>();

    /** What the gauges read at each scrape. */
    record Gauges(IntSupplier active, IntSupplier candidates, IntSupplier relays, IntSupplier desired) {
    }

    void register(MetricRegistry registry, Gauges g) {
        reservations.set(registry.counter("p2pkit_autorelay_reservations_total",
                "Reservations AutoRelay opened (a relay taken) and closed (a relay dropped or lost)", "event"));
        requests.set(registry.counter("p2pkit_autorelay_reservation_requests_total",
                "Reservation requests AutoRelay made, by outcome (ok, failed: refused or unreachable)", "outcome"));
        candidates.set(registry.counter("p2pkit_autorelay_candidates_total",
                "Relay candidates added and removed (disconnected, aged out)", "event"));
        registry.gaugeCallback("p2pkit_autorelay_status",
                "1 while AutoRelay wants relays (the node is not public, or static relays are set), else 0",
                List.of(), () -> Map.of(List.of(), (double) g.active().getAsInt()));
        registry.gaugeCallback("p2pkit_autorelay_candidates", "Relay candidates known now", List.of(),
                () -> Map.of(List.of(), (double) g.candidates().getAsInt()));
        registry.gaugeCallback("p2pkit_autorelay_relays", "Relays a reservation is held with now", List.of(),
                () -> Map.of(List.of(), (double) g.relays().getAsInt()));
        registry.gaugeCallback("p2pkit_autorelay_desired_reservations", "How many relays AutoRelay wants now",
                List.of(), () -> Map.of(List.of(), (double) g.desired().getAsInt()));
    }

    void reservationOpened() {
        inc(reservations, "opened");
    }

    void reservationClosed(int n) {
        for (int i = 0; i < n; i++) {
            inc(reservations, "closed");
        }
    }

    void request(boolean ok) {
        inc(requests, ok ? "ok" : "failed");
    }

    void candidateAdded() {
        inc(candidates, "added");
    }

    void candidatesRemoved(int n) {
        for (int i = 0; i < n; i++) {
            inc(candidates, "removed");
        }
    }

    private static void inc(AtomicReference<Counter> c, String label) {
        Counter counter = c.get();
        if (counter != null) {
            counter.inc(label);
        }
    }
}
