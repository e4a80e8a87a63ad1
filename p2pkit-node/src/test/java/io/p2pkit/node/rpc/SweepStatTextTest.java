package io.p2pkit.node.rpc;

import io.p2pkit.node.exchange.SweepStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

/**
 * {@code provide stat}'s text for a sweeping provider, laid out as Kubo 0.39's encoder lays it out
 * (its tab stops, its two columns, go-humanize's numbers).
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SweepStatTextTest {
    private static final Instant NOW = Instant.parse("2026-11-29T12:00:00Z");

    private static SweepStats stats(boolean closed, int maxWorkers) {
        return new SweepStats(closed,
                new SweepStats.Connectivity("online", Optional.of(Instant.parse("2026-11-29T10:00:00Z"))),
                new SweepStats.Queues(0, 0, 0),
                new SweepStats.Schedule(1234, 17, 8, Optional.of(Instant.parse("2026-11-29T10:15:00Z")), "00101101"),
                new SweepStats.Workers(maxWorkers, 1, 1, 0, 1, 1, 0, 0, 20),
                new SweepStats.Timing(Duration.ofHours(2), Duration.ofHours(22), Instant.parse("2026-11-29T08:00:00Z"),
                        Duration.ofHours(4), Duration.ZERO),
                new SweepStats.Operations(0, 0, 1, 200, 25_000, 1250, 3, 0, 612.34, Duration.ofMillis(1500), 72.6, 17),
                new SweepStats.Network(340, 331, false, 24.5, 19.75, 20));
    }

    private static SweepStatText.Flags flags(String... names) {
        java.util.Set<String> on = java.util.Set.of(names);
        return new SweepStatText.Flags(on.contains("all"), on.contains("compact"), on.contains("connectivity"),
                on.contains("queues"), on.contains("schedule"), on.contains("network"), on.contains("timings"),
                on.contains("operations"), on.contains("workers"));
    }

    private static String render(SweepStats s, String... flags) {
        return SweepStatText.render(s, flags(flags), NOW, ZoneOffset.UTC);
    }

    @Test
    void theBriefSummaryAlignsItsLinesAndLeavesOutWhatIsFine() {
        assertEquals(""
                + "Provide queue:       0 CIDs, 0 regions\n"
                + "Reprovide queue:     0 regions\n"
                + "CIDs scheduled:      1k (1,234)\n"
                + "Regions scheduled:   17\n"
                + "Avg record holders:  19.7\n"
                + "Ongoing provides:    0 CIDs,   0 regions\n"
                + "Ongoing reprovides:  200 CIDs, 1 regions\n"
                + "Total CIDs provided: 1k        (1,250)\n", render(stats(false, 16)));
    }

    @Test
    void allSectionsAreHeadedAndIndented() {
        assertEquals(""
                + "Connectivity:\n"
                + "  Status: online (2026-11-29 10:00:00)\n"
                + "\n"
                + "Queues:\n"
                + "  Provide queue:   0 CIDs, 0 regions\n"
                + "  Reprovide queue: 0 regions\n"
                + "\n"
                + "Schedule:\n"
                + "  CIDs scheduled:        1k (1,234)\n"
                + "  Regions scheduled:     17\n"
                + "  Avg prefix length:     8\n"
                + "  Next region prefix:    00101101\n"
                + "  Next region reprovide: 10:15:00\n"
                + "\n"
                + "Timings:\n"
                + "  Uptime:              2h0m0s (2026-11-29 10:00:00)\n"
                + "  Current time offset: 4h0m0s\n"
                + "  Cycle started:       2026-11-29 08:00:00\n"
                + "  Reprovide interval:  22h0m0s\n"
                + "\n"
                + "Network:\n"
                + "  Avg record holders:     19.7\n"
                + "  Peers swept:            340\n"
                + "  Full keyspace coverage: false\n"
                + "  Reachable peers:        331 (97%)\n"
                + "  Avg region size:        24.5\n"
                + "  Replication factor:     20\n"
                + "\n"
                + "Operations:\n"
                + "  Ongoing provides:                0 CIDs,   0 regions\n"
                + "  Ongoing reprovides:              200 CIDs, 1 regions\n"
                + "  Total CIDs provided:             1k        (1,250)\n"
                + "  Total records provided:          25k       (25,000)\n"
                + "  Total provide errors:            3\n"
                + "  CIDs provided/min/worker:        N/A\n"
                + "  CIDs reprovided/min/worker:      612.3\n"
                + "  Region reprovide duration:       1.5s\n"
                + "  Avg CIDs/reprovide:              72.6\n"
                + "  Regions reprovided (last cycle): 17\n"
                + "\n"
                + "Workers:\n"
                + "  Active workers: 1 / 16 (max)\n"
                + "  Free workers:   14\n"
                + "    Workers stats: Periodic  Burst\n"
                + "    Active:        1         0\n"
                + "    Dedicated:     1         1\n"
                + "    Available:     14        15\n"
                + "    Queued:        0         0\n"
                + "  Max connections/worker: 20\n", render(stats(false, 16), "all"));
    }

    @Test
    void compactPutsTwoColumnsSideBySide() {
        assertEquals(""
                + "Schedule:                            Connectivity:\n"
                + "  CIDs scheduled: 1k (1,234)           Status: online (2026-11-29 10:00:00)\n"
                + "  Regions scheduled: 17              \n"
                + "  Avg prefix length: 8               Queues:\n"
                + "  Next region prefix: 00101101         Provide queue: 0 CIDs, 0 regions\n"
                + "  Next region reprovide: 10:15:00      Reprovide queue: 0 regions\n"
                + "                                     \n"
                + "Network:                             Timings:\n"
                + "  Avg record holders: 19.7             Uptime: 2h0m0s (2026-11-29 10:00:00)\n"
                + "  Peers swept: 340                     Current time offset: 4h0m0s\n"
                + "  Full keyspace coverage: false        Cycle started: 2026-11-29 08:00:00\n"
                + "  Reachable peers: 331 (97%)           Reprovide interval: 22h0m0s\n"
                + "  Avg region size: 24.5              \n"
                + "  Replication factor: 20             Operations:\n"
                + "                                       Ongoing provides: 0 CIDs, 0 regions\n"
                + "Workers:                               Ongoing reprovides: 200 CIDs, 1 regions\n"
                + "  Active: 1 / 16 (max)                 Total CIDs provided: 1k     (1,250)\n"
                + "  Free: 14                             Total records provided: 25k (25,000)\n"
                + "    Workers stats: Periodic  Burst     Total provide errors: 3\n"
                + "    Active:        1         0         CIDs provided/min/worker: N/A\n"
                + "    Dedicated:     1         1         CIDs reprovided/min/worker: 612.3\n"
                + "    Available:     14        15        Region reprovide duration: 1.5s\n"
                + "    Queued:        0         0         Avg CIDs/reprovide: 72.6\n"
                + "  Max connections/worker: 20           Regions reprovided (last cycle): 17\n", render(stats(false, 16), "all", "compact"));
    }

    @Test
    void oneSectionAloneHasNoHeading() {
        assertEquals(""
                + "Avg record holders:     19.7\n"
                + "Peers swept:            340\n"
                + "Full keyspace coverage: false\n"
                + "Reachable peers:        331 (97%)\n"
                + "Avg region size:        24.5\n"
                + "Replication factor:     20\n", render(stats(false, 16), "network"));
    }

    @Test
    void fewFreeWorkersShowInTheBriefSummary() {
        String text = render(stats(false, 3), new String[0]);
        // free: 3 - 1 - 1 = 1; periodic available 1, burst 2: at or below the threshold of 2; the
        // brief summary's lines are one block of tab stops
        assertEquals(""
                + "Active workers:      1 / 3 (max)\n"
                + "Periodic workers:    1 active, 1 available, 0 queued\n"
                + "Burst workers:       0 active, 2 available, 0 queued\n"
                + "\n", text.substring(text.indexOf("Active workers:")));
    }

    @Test
    void aClosedProviderSaysSoAndCompactNeedsAll() {
        assertEquals("Provider is closed\n", render(stats(true, 16), "all"));
        RpcError e = assertThrows(RpcError.class, () -> render(stats(false, 16), "compact"));
        assertEquals("--compact requires --all flag", e.getMessage());
    }

    @Test
    void numbersReadAsGoHumanizeWritesThem() {
        assertEquals("0", SweepStatText.si(0, 1));
        assertEquals("999", SweepStatText.si(999, 1));
        assertEquals("1k", SweepStatText.si(1000, 1));
        assertEquals("1.5k", SweepStatText.si(1500, 1));
        assertEquals("12.3k", SweepStatText.si(12_345, 1));
        assertEquals("1M", SweepStatText.si(1_000_000, 1));
        assertEquals("N/A", SweepStatText.floatOrNa(0));
        assertEquals("19.7", SweepStatText.floatOrNa(19.75), "cut, not rounded");
        assertEquals("20", SweepStatText.floatOrNa(20.0));
        assertEquals("1,234,567.8", SweepStatText.floatOrNa(1_234_567.89));
        assertEquals("12,345", SweepStatText.integer(12_345));
    }
}
