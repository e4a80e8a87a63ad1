package io.p2pkit.kad.query;

import io.p2pkit.core.identity.PeerId;

import java.time.Duration;
import java.util.List;

/**
 * What a lookup found and what it cost.
 *
 * @param closest      the closest peers that answered, closest first (at most k)
 * @param hops         the longest referral chain among {@code closest} (a seed answering is hop 1)
 * @param messages     requests sent
 * @param failures     requests that failed or timed out
 * @param elapsed      wall time
 * @param stoppedEarly whether the caller's stop condition ended it before convergence
 * @param timedOut     whether the query timeout ended it
 */
public record LookupResult(List<PeerId> closest, int hops, int messages, int failures, Duration elapsed,
                           boolean stoppedEarly, boolean timedOut) {
    /** Copies the list. */
    public LookupResult {
        closest = List.copyOf(closest);
    }
}
