package io.p2pkit.node.exchange;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * What the sweeping reprovider reports, in the sections of Kubo 0.39's {@code provide stat}
 * (go-libp2p-kad-dht's sweeping provider statistics). p2pkit's regions of the schedule are its
 * 256 slices of the key space (a prefix of 8 bits each); a sweep within a slice still finds the
 * DHT's own regions with its lookups. Figures "of the last cycle" cover the sweeps of the last
 * interval.
 *
 * @param closed       whether the reprovider has stopped (the rest is then empty)
 * @param connectivity whether the DHT has peers to announce to
 * @param queues       what waits
 * @param schedule     the keys of the cycle and what comes next
 * @param workers      who sweeps
 * @param timing       where the cycle stands
 * @param operations   what is under way and what was done
 * @param network      the peers the last cycle's sweeps reached
 */
public record SweepStats(boolean closed, Connectivity connectivity, Queues queues, Schedule schedule, Workers workers,
                         Timing timing, Operations operations, Network network) {

    /**
     * @param status {@code online} (the DHT's routing table has peers), {@code disconnected} (it
     *               had, and has none now) or {@code offline} (it never had)
     * @param since  when the reprovider saw the status change, if it has
     */
    public record Connectivity(String status, Optional<Instant> since) {
    }

    /**
     * @param pendingKeyProvides      keys waiting for their first announcement
     * @param pendingRegionProvides   the slices they fall in
     * @param pendingRegionReprovides slices of the cycle whose time has passed and that are not swept yet
     */
    public record Queues(long pendingKeyProvides, long pendingRegionProvides, long pendingRegionReprovides) {
    }

    /**
     * @param keys                the keys of the cycle (the keystore's)
     * @param regions             the slices holding any
     * @param avgPrefixLength     the bits of a slice's prefix (8), or 0 with no slice
     * @param nextReprovideAt     when the next slice holding keys is swept, if one is
     * @param nextReprovidePrefix that slice's prefix in bits ({@code 00101101}), or empty
     */
    public record Schedule(long keys, long regions, double avgPrefixLength, Optional<Instant> nextReprovideAt,
                           String nextReprovidePrefix) {
    }

    /**
     * p2pkit has one periodic sweeper (the cycle's) and one burst sweeper (the provide queue's),
     * each with up to {@code max} lookups at once.
     *
     * @param max                      lookups at once per sweeper (Kubo's {@code Provide.DHT.MaxWorkers})
     * @param active                   sweepers sweeping now
     * @param activePeriodic           the cycle's, 0 or 1
     * @param activeBurst              the queue's, 0 or 1
     * @param dedicatedPeriodic        1: the cycle's sweeper is its own
     * @param dedicatedBurst           1: the queue's sweeper is its own
     * @param queuedPeriodic           0: nothing waits for a sweeper
     * @param queuedBurst              0
     * @param maxProvideConnsPerWorker peers sent records at once per sweep (Kubo's {@code Provide.DHT.MaxProvideConnsPerWorker})
     */
    public record Workers(int max, int active, int activePeriodic, int activeBurst, int dedicatedPeriodic,
                          int dedicatedBurst, int queuedPeriodic, int queuedBurst, int maxProvideConnsPerWorker) {
    }

    /**
     * @param uptime             since the reprovider started
     * @param reprovidesInterval the interval (a cycle's length)
     * @param cycleStart         when the current cycle began
     * @param currentTimeOffset  how far into it now is
     * @param maxReprovideDelay  zero: a slice is swept when its time comes, never held back
     */
    public record Timing(Duration uptime, Duration reprovidesInterval, Instant cycleStart, Duration currentTimeOffset,
                         Duration maxReprovideDelay) {
    }

    /**
     * @param ongoingRegionProvides      slices of the provide queue's sweep under way
     * @param ongoingKeyProvides         its keys
     * @param ongoingRegionReprovides    slices of the cycle's sweep under way
     * @param ongoingKeyReprovides       its keys
     * @param recordsProvided            provider records sent since the start
     * @param keysProvided               keys some DHT server took since the start
     * @param keysFailed                 keys none took
     * @param keysProvidedPerMinute      keys of the queue's sweeps per minute of sweeping, over the last cycle
     * @param keysReprovidedPerMinute    keys of the cycle's sweeps per minute of sweeping, over the last cycle
     * @param regionReprovideDuration    sweeping time per slice, over the last cycle
     * @param avgKeysPerReprovide        keys per slice, over the last cycle
     * @param regionsReprovidedLastCycle slices swept in the last cycle
     */
    public record Operations(long ongoingRegionProvides, long ongoingKeyProvides, long ongoingRegionReprovides,
                             long ongoingKeyReprovides, long recordsProvided, long keysProvided, long keysFailed,
                             double keysProvidedPerMinute, double keysReprovidedPerMinute,
                             Duration regionReprovideDuration, double avgKeysPerReprovide,
                             long regionsReprovidedLastCycle) {
    }

    /**
     * @param peers                    DHT servers the last cycle's sweeps sent records to
     * @param reachable                those that took every record sent to them
     * @param completeKeyspaceCoverage whether the last cycle's sweeps covered every slice
     * @param avgRegionSize            DHT servers per region a sweep found, over the last cycle
     * @param avgHolders               servers that took each key, on average over the last cycle
     * @param replicationFactor        servers each key is sent to (the DHT's k)
     */
    public record Network(int peers, int reachable, boolean completeKeyspaceCoverage, double avgRegionSize,
                          double avgHolders, int replicationFactor) {
    }
}
